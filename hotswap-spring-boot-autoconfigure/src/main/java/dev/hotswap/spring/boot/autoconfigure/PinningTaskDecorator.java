package dev.hotswap.spring.boot.autoconfigure;

import dev.hotswap.engine.Pin;
import dev.hotswap.engine.SwapGate;
import java.util.Objects;
import org.springframework.core.task.TaskDecorator;

/**
 * Runs each task with the pin of the request that submitted it, so that a request's work on an
 * executor (an {@code @Async} method, a {@code DeferredResult} filled on {@code applicationTaskExecutor},
 * a {@code Callable} on Spring MVC's executor) reads the same generations as the request itself. A
 * task submitted outside any request runs as it is, on the current generations.
 *
 * <p>The starter registers one as a bean; Boot applies every {@code TaskDecorator} bean to the
 * executors it builds ({@code applicationTaskExecutor}, and any built with Boot's
 * {@code ThreadPoolTaskExecutorBuilder} or {@code SimpleAsyncTaskExecutorBuilder}). An executor the
 * application builds itself takes it with {@code executor.setTaskDecorator(decorator)}.
 *
 * <p>A task that runs after its request has completed (fire and forget) gets the current generations:
 * the pin it carries has left, and a pin that has left routes nothing.
 */
public final class PinningTaskDecorator implements TaskDecorator {
    private final SwapGate gate;

    /** A decorator on {@code gate}, the engine's ({@code hotswap.gate()}). */
    public PinningTaskDecorator(SwapGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    /** Called on the submitting thread: takes the pin bound there, if any, along with the task. */
    @Override
    public Runnable decorate(Runnable task) {
        Pin pin = gate.pinned();
        return pin == null ? task : () -> pin.run(task);
    }

    @Override
    public String toString() {
        return "PinningTaskDecorator@" + Integer.toHexString(System.identityHashCode(this));
    }
}
