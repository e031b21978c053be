package dev.hotswap.engine;

import dev.hotswap.protocol.Frame;
import dev.hotswap.protocol.FrameType;
import dev.hotswap.protocol.FrameWriter;
import java.io.IOException;

/**
 * Where a push or pull reports its phases and status lines: the admin connection turns them into
 * {@code PHASE} and {@code STATUS} frames; in-process calls drop them (the engine logs every step
 * anyway). An {@link IOException} here means the client is gone, and a push not yet swapping stops.
 */
interface Progress {
    /** Reports nothing. */
    Progress NONE = new Progress() {
        @Override
        public void phase(String phase) {
        }

        @Override
        public void status(String line) {
        }
    };

    /**
     * The operation entered {@code phase}: {@code upload}, {@code integrity check}, {@code schema check},
     * {@code check NAME} (one of the application's checks), {@code swap}, {@code snapshot},
     * {@code rollout} (a fleet rollout waits for its nodes).
     */
    void phase(String phase) throws IOException;

    /** One human-readable line for the operator. */
    void status(String line) throws IOException;

    /** Reports as {@code PHASE} and {@code STATUS} frames to {@code out}. */
    static Progress frames(FrameWriter out) {
        return new Progress() {
            @Override
            public void phase(String phase) throws IOException {
                out.send(Frame.text(FrameType.PHASE, phase));
            }

            @Override
            public void status(String line) throws IOException {
                out.send(Frame.text(FrameType.STATUS, line));
            }
        };
    }
}
