package dev.hotswap.engine;

import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link Disk} for tests: each call is numbered and shown to a {@link #rule}, which lets it through
 * to the real file system, fails it with an {@link IOException} (as EIO, ENOSPC or EACCES would), or
 * crashes the engine there: from that call on, every call of this disk throws {@link Crash}, so no
 * further disk step happens and no cleanup runs, as after kill -9. A {@link #hook} sees every call
 * first, to block a thread at a chosen step.
 */
final class FaultyDisk implements Disk {
    /** The kinds of call, one per method of {@link Disk}. */
    enum Op { CREATE_TEMP, WRITE, APPEND, SYNC, SYNC_DIRECTORY, RENAME, RENAME_NEW, LINK, SYMLINK, DELETE, LOCK, STEP }

    /**
     * One call.
     *
     * @param index its number, from 0, over the disk's life
     * @param op what it does
     * @param path the file it changes, or for {@link Op#STEP} null
     * @param step for {@link Op#STEP}, the step's name, otherwise null
     */
    record Call(long index, Op op, Path path, String step) {
        @Override
        public String toString() {
            return "#" + index + " " + op + " " + (step != null ? step : path);
        }
    }

    /** What a rule does with a call. */
    sealed interface Fault permits Fail, CrashHere {
    }

    /** Fails the call with {@code error}; the engine goes on. */
    record Fail(IOException error) implements Fault {
    }

    /** Stops the engine dead before the call. */
    record CrashHere() implements Fault {
    }

    /** Thrown by every call from the crash on: the engine's threads stop where they are. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        Crash(String message) {
            super(message, null, false, false);
        }
    }

    private final AtomicLong calls = new AtomicLong();
    private volatile Function<Call, Fault> rule = call -> null;
    private volatile Consumer<Call> hook = call -> { };
    private volatile Call crashedAt;

    /** Decides each call from now on: null lets it through. */
    FaultyDisk rule(Function<Call, Fault> rule) {
        this.rule = rule;
        return this;
    }

    /** Sees each call from now on, before the rule. */
    FaultyDisk hook(Consumer<Call> hook) {
        this.hook = hook;
        return this;
    }

    /** Calls made so far. */
    long calls() {
        return calls.get();
    }

    /** The call the engine crashed at, or null. */
    Call crashedAt() {
        return crashedAt;
    }

    /** An EIO, as a failing disk gives it. */
    static IOException eio(Call call) {
        return new IOException("Input/output error (injected at " + call + ")");
    }

    private void check(Op op, Path path, String step) throws IOException {
        Call crashed = crashedAt;
        if (crashed != null) {
            throw new Crash("the engine crashed at " + crashed);
        }
        Call call = new Call(calls.getAndIncrement(), op, path, step);
        hook.accept(call);
        Fault fault = rule.apply(call);
        if (fault instanceof Fail fail) {
            throw fail.error();
        }
        if (fault instanceof CrashHere) {
            crashedAt = call;
            throw new Crash("the engine crashed at " + call);
        }
    }

    @Override
    public Path createTemp(Path dir, String prefix, String suffix) throws IOException {
        check(Op.CREATE_TEMP, dir, null);
        return REAL.createTemp(dir, prefix, suffix);
    }

    @Override
    public void write(Path file, byte[] bytes, boolean append) throws IOException {
        check(append ? Op.APPEND : Op.WRITE, file, null);
        REAL.write(file, bytes, append);
    }

    @Override
    public void sync(Path file) throws IOException {
        check(Op.SYNC, file, null);
        REAL.sync(file);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        check(Op.SYNC_DIRECTORY, dir, null);
        REAL.syncDirectory(dir);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        check(Op.RENAME, to, null);
        REAL.rename(from, to);
    }

    @Override
    public void renameNew(Path from, Path to) throws IOException {
        check(Op.RENAME_NEW, to, null);
        REAL.renameNew(from, to);
    }

    @Override
    public void link(Path link, Path existing) throws IOException {
        check(Op.LINK, link, null);
        REAL.link(link, existing);
    }

    @Override
    public void symlink(Path link, Path target) throws IOException {
        check(Op.SYMLINK, link, null);
        REAL.symlink(link, target);
    }

    @Override
    public boolean delete(Path file) throws IOException {
        check(Op.DELETE, file, null);
        return REAL.delete(file);
    }

    @Override
    public FileLock lock(Path file) throws IOException {
        check(Op.LOCK, file, null);
        return REAL.lock(file);
    }

    @Override
    public void reached(String step) {
        try {
            check(Op.STEP, null, step);
        } catch (IOException e) {
            throw new IllegalStateException("a rule failed step " + step + " with an IOException; crash it instead", e);
        }
    }

    @Override
    public String toString() {
        return "faulty disk after " + calls.get() + " calls" + (crashedAt == null ? "" : ", crashed at " + crashedAt);
    }
}
