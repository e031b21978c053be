package dev.hotswap.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * One party's connection to the store in a {@link FleetModel}: every request goes to the backend (the
 * in-memory bucket, or S3Proxy) through the faults of the current step, and the model hears of each
 * write that landed and of each listing (the coordinator lists while it waits: the model lets the
 * nodes take their turn then). Closing it leaves the backend open.
 */
final class FaultyS3 implements S3Client {
    /** How long a delayed request waits. */
    private static final long DELAY_MILLIS = 40;

    /** The party's process died at a crash point: an {@link Error}, so that no catch of the fleet's code stops it. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        Crash(String message) {
            super(message, null, false, false);
        }
    }

    /** What the model hears. */
    interface Hooks {
        /** {@code party} is about to list the keys under {@code prefix}. */
        void listing(String party, String prefix);

        /** {@code party}'s write of {@code key} landed in the store. */
        void wrote(String party, String key);
    }

    /** The faults of the current step and each party's requests and writes in it. */
    static final class Plan {
        private final Duration stall;
        private List<Fault> faults = List.of();
        private final Map<String, int[]> counts = new HashMap<>();

        /** A plan whose stalled requests wait {@code stall}. */
        Plan(Duration stall) {
            this.stall = stall;
        }

        /** Starts a step with {@code faults}; counting starts again at 0. */
        synchronized void start(List<Fault> faults) {
            this.faults = new ArrayList<>(faults);
            counts.clear();
        }

        synchronized Fault.Kind request(String party, boolean write) {
            int[] count = counts.computeIfAbsent(party, p -> new int[2]);
            int request = count[0]++;
            for (Fault fault : faults) {
                if (fault.party().equals(party) && fault.index() == request && fault.kind() != Fault.Kind.CRASH) {
                    return fault.kind();
                }
            }
            return null;
        }

        synchronized boolean crashesAfterWrite(String party) {
            int write = counts.computeIfAbsent(party, p -> new int[2])[1]++;
            return faults.stream().anyMatch(f -> f.party().equals(party) && f.index() == write
                    && f.kind() == Fault.Kind.CRASH);
        }
    }

    private final S3Client backend;
    private final String party;
    private final Plan plan;
    private final Hooks hooks;
    private volatile boolean dead;

    FaultyS3(S3Client backend, String party, Plan plan, Hooks hooks) {
        this.backend = backend;
        this.party = party;
        this.plan = plan;
        this.hooks = hooks;
    }

    @Override
    public String serviceName() {
        return "s3";
    }

    @Override
    public void close() {
        // the backend is shared
    }

    /** A request's fate before it is sent: fails here, waits, or goes ahead; returns whether its reply is lost. */
    private boolean before(String what, boolean write) {
        if (dead) {
            throw new Crash(party + " is dead and cannot " + what);
        }
        Fault.Kind kind = plan.request(party, write);
        if (kind == Fault.Kind.FAIL) {
            throw MemoryS3.error(503, "SlowDown", "injected: " + party + " " + what + " fails");
        }
        if (kind == Fault.Kind.DELAY || kind == Fault.Kind.STALL) {
            try {
                Thread.sleep(kind == Fault.Kind.DELAY ? DELAY_MILLIS : plan.stall.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return kind == Fault.Kind.LOST_REPLY;
    }

    /** After a request was carried out: the model hears of a write, the party may crash, the reply may be lost. */
    private void after(String what, String key, boolean write, boolean lost) {
        if (write) {
            hooks.wrote(party, key);
            if (plan.crashesAfterWrite(party)) {
                dead = true;
                throw new Crash(party + " crashed right after " + what);
            }
        }
        if (lost) {
            throw MemoryS3.error(500, "InternalError", "injected: the reply to " + party + " " + what + " was lost");
        }
    }

    @Override
    public <T> T getObject(GetObjectRequest request, ResponseTransformer<GetObjectResponse, T> transformer) {
        String what = "GET " + request.key();
        boolean lost = before(what, false);
        T value = backend.getObject(request, transformer);
        after(what, request.key(), false, lost);
        return value;
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getObject(GetObjectRequest request) {
        return getObject(request, ResponseTransformer.toInputStream());
    }

    @Override
    public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
        String what = "PUT " + request.key();
        boolean lost = before(what, true);
        PutObjectResponse response = backend.putObject(request, body);
        after(what, request.key(), true, lost);
        return response;
    }

    @Override
    public DeleteObjectResponse deleteObject(DeleteObjectRequest request) {
        String what = "DELETE " + request.key();
        boolean lost = before(what, true);
        DeleteObjectResponse response = backend.deleteObject(request);
        after(what, request.key(), true, lost);
        return response;
    }

    @Override
    public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
        String what = "LIST " + request.prefix();
        boolean lost = before(what, false);
        // After the fault's delay, so that the others' turn comes after a stall, as it would in time.
        hooks.listing(party, request.prefix());
        ListObjectsV2Response response = backend.listObjectsV2(request);
        after(what, request.prefix(), false, lost);
        return response;
    }
}
