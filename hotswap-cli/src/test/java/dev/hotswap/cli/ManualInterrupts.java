package dev.hotswap.cli;

import java.util.ArrayList;
import java.util.List;

/** Ctrl-C on demand: {@link #fire()} runs the registered actions on their own thread, as the JVM would. */
final class ManualInterrupts implements Interrupts {
    private final List<Runnable> actions = new ArrayList<>();
    private final List<Thread> running = new ArrayList<>();

    @Override
    public synchronized Registration onInterrupt(Runnable action) {
        actions.add(action);
        return () -> {
            synchronized (ManualInterrupts.this) {
                actions.remove(action);
            }
        };
    }

    /** Starts the registered actions and returns at once. */
    synchronized void fire() {
        for (Runnable action : actions) {
            Thread thread = new Thread(action, "test-interrupt");
            thread.setDaemon(true);
            thread.start();
            running.add(thread);
        }
    }

    /** Waits for the fired actions to finish. */
    void awaitActions() throws InterruptedException {
        List<Thread> threads;
        synchronized (this) {
            threads = List.copyOf(running);
        }
        for (Thread thread : threads) {
            thread.join(10_000);
        }
    }
}
