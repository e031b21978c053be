package dev.hotswap.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The request gate on its own: pins, flips, and the exactly-once release of a superseded view. */
@Timeout(30)
class SwapGateTest {
    private final SwapGate gate = new SwapGate();
    private final Map<View, AtomicInteger> releases = new ConcurrentHashMap<>();
    /** Requests the test holds on each view: between a returned enter and its leave. */
    private final Map<View, AtomicInteger> held = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    /** A new view whose releases are counted, made current. */
    private View flipToNew() {
        View view = new View(List.of(), released -> {
            assertEquals(0, heldOn(released).get(), "released under a request");
            releases.computeIfAbsent(released, v -> new AtomicInteger()).incrementAndGet();
            gate.released(released);
        });
        gate.flip(view);
        return view;
    }

    private AtomicInteger heldOn(View view) {
        return held.computeIfAbsent(view, v -> new AtomicInteger());
    }

    private int releasesOf(View view) {
        AtomicInteger count = releases.get(view);
        return count == null ? 0 : count.get();
    }

    @Test
    void enterBeforeAnyViewIsAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, gate::enter);
        assertEquals("hotswap is not started: no database is open yet", e.getMessage());
    }

    @Test
    void requestsPinTheViewCurrentWhenTheyEnter() {
        View first = flipToNew();
        Pin early = gate.enter();
        View second = flipToNew();
        Pin late = gate.enter();

        assertSame(first, early.view());
        assertSame(second, late.view());
        assertEquals(2, gate.inFlight());
        late.leave();
        early.leave();
        assertEquals(0, gate.inFlight());
    }

    @Test
    void supersededViewIsReleasedOnceWhenItsLastRequestLeavesOnAnyThread() throws Exception {
        View first = flipToNew();
        Pin one = gate.enter();
        Pin two = gate.enter();
        flipToNew();
        assertEquals(0, releasesOf(first), "two requests still pin it");

        one.leave();
        one.leave(); // a second leave counts for nothing
        assertEquals(0, releasesOf(first));
        threads.submit(two::leave).get(10, TimeUnit.SECONDS);

        assertEquals(1, releasesOf(first));
        assertTrue(first.isReleased());
        assertFalse(gate.liveViews().contains(first));
    }

    @Test
    void unpinnedViewIsReleasedByTheFlipItself() {
        View first = flipToNew();
        gate.enter().leave();
        flipToNew();
        assertEquals(1, releasesOf(first));
    }

    @Test
    void enterBindsThePinToTheThreadAndLeaveUnbindsIt() throws Exception {
        flipToNew();
        Pin pin = gate.enter();
        assertSame(pin, gate.bound());
        assertSame(pin.view(), gate.routed());
        assertNull(threads.submit(gate::bound).get(10, TimeUnit.SECONDS), "another thread has nothing bound");

        assertSame(pin, gate.pinned());
        pin.leave();
        assertNull(gate.bound());
        assertNull(gate.pinned());
        assertSame(gate.current(), gate.routed(), "outside any request: the current view");
    }

    @Test
    void callCarriesTheRequestToAnotherThread() throws Exception {
        View first = flipToNew();
        Pin pin = gate.enter();
        pin.unbind();
        assertNull(gate.bound());
        flipToNew();

        View seen = threads.submit(() -> {
            try {
                return pin.call(gate::routed);
            } finally {
                pin.leave();
            }
        }).get(10, TimeUnit.SECONDS);

        assertSame(first, seen, "the request's thread sees the view it entered");
        assertEquals(1, releasesOf(first));
    }

    @Test
    void aThreadWithNoBoundPinRoutesToThePinItsCarrierFinds() throws Exception {
        View first = flipToNew();
        Pin pin = gate.enter();
        pin.unbind();
        flipToNew();
        // A server context (Vert.x's duplicated context) carries the pin; here, one worker thread's.
        ThreadLocal<Pin> context = new ThreadLocal<>();
        gate.carrier(context::get);

        View seen = threads.submit(() -> {
            context.set(pin);
            return gate.pinned() == pin ? gate.routed() : null;
        }).get(10, TimeUnit.SECONDS);
        assertSame(first, seen, "the carried pin routes the thread to the view it entered");
        assertSame(gate.current(), gate.routed(), "no pin bound nor carried here: the current view");

        pin.leave();
        View afterLeave = threads.submit(() -> {
            context.set(pin);
            return gate.routed();
        }).get(10, TimeUnit.SECONDS);
        assertSame(gate.current(), afterLeave, "a carried pin that left is ignored");
    }

    @Test
    void bindCarriesTheRequestToAnotherThreadUntilItsBindingClosesThere() throws Exception {
        View first = flipToNew();
        Pin request = gate.enter();
        request.unbind();
        View second = flipToNew();
        Pin other = gate.enter(); // a request the framework's thread already serves
        other.unbind();

        List<Object> seen = threads.submit(() -> other.call(() -> {
            List<Object> views = new ArrayList<>();
            Pin.Binding binding = request.bind();
            views.add(gate.routed());
            binding.close();
            views.add(gate.bound());
            binding.close(); // a second close restores nothing more
            views.add(gate.bound());
            return views;
        })).get(10, TimeUnit.SECONDS);

        assertSame(first, seen.get(0), "bound: the request's view");
        assertSame(other, seen.get(1), "closed: what the thread had bound before");
        assertSame(other, seen.get(2));
        assertSame(second, other.view());
        request.leave();
        other.leave();
    }

    @Test
    void aBindingClosedOnAnotherThreadIsRefused() throws Exception {
        flipToNew();
        Pin pin = gate.enter();
        Pin.Binding binding = pin.bind();

        Future<?> elsewhere = threads.submit(binding::close);
        Throwable refused = assertThrows(ExecutionException.class,
                () -> elsewhere.get(10, TimeUnit.SECONDS)).getCause();
        assertTrue(refused instanceof IllegalStateException, String.valueOf(refused));
        assertTrue(refused.getMessage().startsWith("a pin bound on thread " + Thread.currentThread().getName()
                + " must be unbound there, not on "), refused.getMessage());
        assertSame(pin, gate.bound());
        binding.close();
        pin.leave();
    }

    @Test
    void aPinThatLeftElsewhereIsIgnoredWhereItIsStillBound() throws Exception {
        flipToNew();
        Pin pin = gate.enter();
        threads.submit(pin::leave).get(10, TimeUnit.SECONDS);
        View current = flipToNew();

        assertSame(pin, gate.bound(), "leaving on another thread cannot unbind this one");
        assertSame(current, gate.routed(), "but a pin that left routes nothing");
    }

    @Test
    void nestedEnterRestoresTheOuterPinWhenTheInnerOneLeaves() {
        flipToNew();
        Pin outer = gate.enter();
        flipToNew();
        Pin inner = gate.enter();
        assertSame(inner, gate.bound());

        inner.leave();
        assertSame(outer, gate.bound());
        outer.leave();
        assertNull(gate.bound());
    }

    @Test
    void enterNeverWaitsForAFlipAndEveryViewIsReleasedExactlyOnce() throws Exception {
        int requesters = 4;
        int flips = 2000;
        List<View> views = new ArrayList<>();
        views.add(flipToNew());
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch running = new CountDownLatch(requesters);
        List<Future<Long>> requests = new ArrayList<>();
        for (int i = 0; i < requesters; i++) {
            requests.add(threads.submit(() -> {
                long count = 0;
                running.countDown();
                while (!stop.get()) {
                    Pin pin = gate.enter();
                    heldOn(pin.view()).incrementAndGet();
                    if (pin.view().isReleased()) {
                        throw new AssertionError("entered a released view");
                    }
                    Thread.onSpinWait();
                    Runnable leave = () -> {
                        heldOn(pin.view()).decrementAndGet();
                        pin.leave();
                    };
                    // Half the requests leave on another thread, as asynchronous ones do.
                    if ((count & 1) == 0) {
                        leave.run();
                    } else {
                        threads.submit(leave);
                    }
                    count++;
                }
                return count;
            }));
        }
        assertTrue(running.await(10, TimeUnit.SECONDS), "requesters running");
        for (int i = 0; i < flips; i++) {
            views.add(flipToNew());
        }
        stop.set(true);
        long total = 0;
        for (Future<Long> request : requests) {
            total += request.get(10, TimeUnit.SECONDS);
        }
        List<View> superseded = views.subList(0, views.size() - 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((gate.inFlight() != 0 || !superseded.stream().allMatch(view -> releasesOf(view) > 0))
                && System.nanoTime() < deadline) {
            Thread.sleep(1); // the requests that leave on other threads, and their releases
        }
        assertEquals(0, gate.inFlight(), "every request left");
        for (View view : superseded) {
            assertEquals(1, releasesOf(view), "each superseded view released exactly once");
        }
        assertEquals(0, releasesOf(views.get(views.size() - 1)), "the current view is never released");
        assertTrue(total > 0, "requests ran");
    }
}
