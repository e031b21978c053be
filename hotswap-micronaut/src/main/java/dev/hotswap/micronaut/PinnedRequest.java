package dev.hotswap.micronaut;

import dev.hotswap.engine.Pin;
import io.micronaut.core.propagation.ThreadPropagatedContextElement;

/**
 * A request's {@link Pin} as an element of Micronaut's {@code PropagatedContext}: wherever Micronaut
 * brings the request's context into scope (the event loop while the route runs, an
 * {@code @ExecuteOn} executor, a reactive operator of the response, an exception handler), the pin is
 * bound to that thread, and the thread's previous binding comes back when the scope closes. So
 * connections the engine's data sources hand out there come from the request's generation.
 *
 * <p>Application code that continues a request on threads of its own takes the context along, the
 * Micronaut way: {@code PropagatedContext.wrapCurrent(task)}.
 *
 * @param pin the request's pin
 */
record PinnedRequest(Pin pin) implements ThreadPropagatedContextElement<Pin.Binding> {

    @Override
    public Pin.Binding updateThreadContext() {
        return pin.bind();
    }

    @Override
    public void restoreThreadContext(Pin.Binding binding) {
        binding.close();
    }
}
