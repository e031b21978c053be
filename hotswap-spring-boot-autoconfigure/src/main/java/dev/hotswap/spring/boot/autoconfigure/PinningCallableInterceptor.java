package dev.hotswap.spring.boot.autoconfigure;

import dev.hotswap.engine.Pin;
import dev.hotswap.servlet.HotswapFilter;
import jakarta.servlet.ServletRequest;
import java.util.concurrent.Callable;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.async.CallableProcessingInterceptor;

/**
 * Binds the request's pin on the thread where Spring MVC calls a controller's {@code Callable} or
 * {@code WebAsyncTask}, for the length of the call. Spring MVC runs those on an executor of its own,
 * not through {@code AsyncContext.start}, so the {@link HotswapFilter} does not reach them; without
 * this, the body would read whatever generation is current while it runs, and a swap during it would
 * show the request two. An interceptor rather than only a {@link PinningTaskDecorator}: it works
 * whichever executor runs the call, a {@code WebAsyncTask}'s own included.
 *
 * <p>{@code preProcess} and {@code postProcess} run on the executor's thread, around the call; Spring
 * calls the second whenever the first ran, whatever the call did.
 */
final class PinningCallableInterceptor implements CallableProcessingInterceptor {
    /** The binding made by preProcess on this thread, closed by postProcess on the same thread. */
    private final ThreadLocal<Pin.Binding> binding = new ThreadLocal<>();

    @Override
    public <T> void preProcess(NativeWebRequest request, Callable<T> task) {
        ServletRequest servletRequest = request.getNativeRequest(ServletRequest.class);
        if (servletRequest == null) {
            return;
        }
        Pin pin;
        try {
            pin = HotswapFilter.pin(servletRequest);
        } catch (IllegalStateException noPin) {
            return; // the request did not pass the filter (it is not installed), or it is over: nothing to carry
        }
        binding.set(pin.bind());
    }

    @Override
    public <T> void postProcess(NativeWebRequest request, Callable<T> task, Object concurrentResult) {
        Pin.Binding bound = binding.get();
        if (bound != null) {
            binding.remove();
            bound.close();
        }
    }
}
