package dev.hotswap.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client threads that send requests in a loop, each until {@link #stop()} or its request cap, and
 * tally every request that did not answer as expected (a wrong status, a wrong body, an I/O error).
 */
public final class Hammer {
    /** One request by client {@code client}; returns null if it answered as expected, else why not. */
    public interface Call {
        String send(int client, int sequence) throws Exception;
    }

    /** What the clients saw: how many requests, and the first few failures of {@code failureCount}. */
    public record Tally(long requests, long failureCount, List<String> failures) {
    }

    private static final int KEPT_FAILURES = 20;

    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failureCount = new AtomicLong();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch everyClientAnswered;
    private final List<Thread> threads = new ArrayList<>();

    private Hammer(int clients) {
        this.everyClientAnswered = new CountDownLatch(clients);
    }

    /** Starts {@code clients} threads, each sending at most {@code cap} requests. */
    public static Hammer start(int clients, int cap, Call call) {
        Hammer hammer = new Hammer(clients);
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread thread = new Thread(() -> hammer.run(client, cap, call), "client-" + c);
            thread.setDaemon(true);
            hammer.threads.add(thread);
            thread.start();
        }
        return hammer;
    }

    private void run(int client, int cap, Call call) {
        for (int sequence = 0; sequence < cap && !stopped.get(); sequence++) {
            String failure;
            try {
                failure = call.send(client, sequence);
            } catch (Exception e) {
                failure = e.toString();
            }
            requests.incrementAndGet();
            if (failure != null) {
                failureCount.incrementAndGet();
                if (failures.size() < KEPT_FAILURES) {
                    failures.add("client " + client + " request " + sequence + ": " + failure);
                }
            }
            if (sequence == 0) {
                everyClientAnswered.countDown();
            }
        }
    }

    /** Waits until every client has had an answer, so that what follows overlaps with all of them. */
    public void awaitEveryClient() throws InterruptedException {
        Await.await(everyClientAnswered, Await.PATIENCE, "every client's first answer");
    }

    /** Stops the clients after their current request and waits for them. */
    public Tally stop() throws InterruptedException {
        stopped.set(true);
        return await();
    }

    /** Waits for every client to have sent its cap of requests (or to have stopped). */
    public Tally await() throws InterruptedException {
        for (Thread thread : threads) {
            Await.join(thread, Await.PATIENCE, thread.getName() + " to send its last request");
        }
        return new Tally(requests.get(), failureCount.get(), List.copyOf(failures));
    }
}
