package dev.hotswap.demo;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.Semaphore;

/**
 * The Ruby original's gate as a Servlet filter (Tomcat and Spring Boot): one request at a time.
 * Releasing when the chain returns is right here only because no demo route goes asynchronous.
 */
final class ServletMutex implements Filter {
    private final Semaphore lock = new Semaphore(1);

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            lock.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the mutex");
        }
        try {
            chain.doFilter(request, response);
        } finally {
            lock.release();
        }
    }
}
