package dev.hotswap.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What one database should be, in a few lines of plain Java: the generations on disk in the order
 * they became current, what each holds, who holds which, and the keep policy. The
 * {@link DatabaseModelTest} moves it along with the engine and compares the two after every step.
 */
final class DatabaseModel {
    private final int keep;
    /** Generations on disk, in the order they were last current; the current one last. */
    private final List<Long> order = new ArrayList<>();
    private final Map<Long, Integer> versions = new HashMap<>();
    private final Map<Long, List<String>> rows = new HashMap<>();
    /** The generation of each job's connection, in the order the jobs took them. */
    private final List<Long> jobs = new ArrayList<>();
    /** The generation each request pinned, in the order they entered. */
    private final List<Long> requests = new ArrayList<>();
    private long highestId;

    /** A database whose first generation, {@code id}, holds {@code version}. */
    DatabaseModel(int keep, long id, int version) {
        this.keep = keep;
        added(id, version);
        order.add(id);
    }

    int keep() {
        return keep;
    }

    long current() {
        return order.get(order.size() - 1);
    }

    /** The version the file of generation {@code id} was pushed with. */
    int version(long id) {
        return versions.get(id);
    }

    /** The rows written to generation {@code id}, in order. */
    List<String> rows(long id) {
        return List.copyOf(rows.get(id));
    }

    /** The highest generation id any swap reported. */
    long highestId() {
        return highestId;
    }

    /** Generations on disk other than the current one, most recently current first. */
    List<Long> earlier() {
        List<Long> earlier = new ArrayList<>();
        for (int i = order.size() - 2; i >= 0; i--) {
            earlier.add(order.get(i));
        }
        return earlier;
    }

    /** The earlier generations the keep policy keeps: the {@code keep} most recently current. */
    List<Long> kept() {
        List<Long> earlier = earlier();
        return List.copyOf(earlier.subList(0, Math.min(keep, earlier.size())));
    }

    /** Earlier generations beyond keep, still on disk because a job or a request holds them. */
    List<Long> retiring() {
        List<Long> earlier = earlier();
        return List.copyOf(earlier.subList(Math.min(keep, earlier.size()), earlier.size()));
    }

    /** Every generation on disk: the current one and the earlier ones, ascending. */
    List<Long> onDisk() {
        return order.stream().sorted().toList();
    }

    /** Generations a job or a request holds. */
    List<Long> held() {
        List<Long> held = new ArrayList<>(jobs);
        held.addAll(requests);
        return held.stream().distinct().sorted().toList();
    }

    /** Where {@code rollback} goes: the generation current just before, if still on disk. */
    OptionalLong rollbackTarget() {
        List<Long> earlier = earlier();
        return earlier.isEmpty() ? OptionalLong.empty() : OptionalLong.of(earlier.get(0));
    }

    /** A push made {@code id}, holding {@code version}, current. */
    void pushed(long id, int version) {
        added(id, version);
        becameCurrent(id);
    }

    private void added(long id, int version) {
        versions.put(id, version);
        rows.put(id, new ArrayList<>());
        highestId = Math.max(highestId, id);
    }

    /** A rollback made {@code id} current again. */
    void rolledBack(long id) {
        becameCurrent(id);
    }

    private void becameCurrent(long id) {
        order.remove(id);
        order.add(id);
        prune();
    }

    /** A row went into generation {@code id}. */
    void wrote(long id, String row) {
        rows.get(id).add(row);
    }

    int jobs() {
        return jobs.size();
    }

    long job(int index) {
        return jobs.get(index);
    }

    /** A job took a connection of the current generation. */
    void jobTook() {
        jobs.add(current());
    }

    /** Whether releasing job {@code index} lets the keep policy delete its generation. */
    boolean prunedIfReleased(int index) {
        long id = jobs.get(index);
        int holds = 0;
        for (long held : jobs) {
            holds += held == id ? 1 : 0;
        }
        for (long held : requests) {
            holds += held == id ? 1 : 0;
        }
        return holds == 1 && earlier().indexOf(id) >= keep;
    }

    void jobReleased(int index) {
        jobs.remove(index);
        prune();
    }

    int requests() {
        return requests.size();
    }

    long request(int index) {
        return requests.get(index);
    }

    void requestEntered() {
        requests.add(current());
    }

    void requestLeft(int index) {
        requests.remove(index);
        prune();
    }

    /** The process died: nothing holds any generation any more. */
    void crashed() {
        jobs.clear();
        requests.clear();
        prune();
    }

    /** Deletes the earlier generations beyond keep that nothing holds. */
    private void prune() {
        List<Long> earlier = earlier();
        for (int i = keep; i < earlier.size(); i++) {
            long id = earlier.get(i);
            if (!jobs.contains(id) && !requests.contains(id)) {
                order.remove(id);
                versions.remove(id);
                rows.remove(id);
            }
        }
    }

    @Override
    public String toString() {
        return "current " + current() + ", kept " + kept() + ", retiring " + retiring() + ", jobs on " + jobs
                + ", requests on " + requests;
    }
}
