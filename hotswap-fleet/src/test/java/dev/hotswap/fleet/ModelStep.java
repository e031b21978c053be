package dev.hotswap.fleet;

import java.util.List;

/** One step of a {@link FleetModel} sequence; {@code toString} is the line a failing sequence prints. */
sealed interface ModelStep {

    /** Faults injected while the step runs (none for the steps that touch no store). */
    default List<Fault> faults() {
        return List.of();
    }

    /** What an operator does on one node by hand, without {@code --fleet}. */
    enum LocalAct {
        PUSH("local push"),
        PUSH_OTHER_SCHEMA("local push of another schema"),
        ROLLBACK("local rollback");

        private final String text;

        LocalAct(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** A local step on {@code node} while a rollout runs: once the node has answered, before the decision. */
    record Meanwhile(int node, LocalAct act) {
        @Override
        public String toString() {
            return "meanwhile " + act + " on " + FleetModel.nodeName(node) + " after its answer";
        }
    }

    /**
     * {@code Fleet.rollout} of a new file to the nodes that are up; another schema makes every node
     * of ours refuse; {@code meanwhile} may be null.
     */
    record Push(boolean otherSchema, Meanwhile meanwhile, List<Fault> faults) implements ModelStep {
        @Override
        public String toString() {
            return "push a file" + (otherSchema ? " of another schema" : "") + also(meanwhile) + with(faults);
        }
    }

    /**
     * {@code Fleet.rollback} to the previous rollout, or with {@code --to} the committed push
     * {@code to} (mod their count; negative for none); {@code meanwhile} may be null.
     */
    record Rollback(int to, Meanwhile meanwhile, List<Fault> faults) implements ModelStep {
        @Override
        public String toString() {
            return "rollback --fleet" + (to < 0 ? "" : " --to committed push #" + to) + also(meanwhile) + with(faults);
        }
    }

    /** An operator's {@code hotswap cp} or {@code hotswap rollback} on one node, without {@code --fleet}. */
    record Local(int node, LocalAct act) implements ModelStep {
        @Override
        public String toString() {
            return act + " on " + FleetModel.nodeName(node);
        }
    }

    /** The node's process dies (kill -9), if it is up. */
    record Kill(int node) implements ModelStep {
        @Override
        public String toString() {
            return "kill " + FleetModel.nodeName(node);
        }
    }

    /** Every node that is down starts again on what its disk holds, with faults in its first round. */
    record Restart(List<Fault> faults) implements ModelStep {
        @Override
        public String toString() {
            return "restart the nodes that are down" + with(faults);
        }
    }

    /** Time passes beyond every deadline and the abandon time. */
    record WaitPastDeadlines() implements ModelStep {
        @Override
        public String toString() {
            return "wait past the deadlines";
        }
    }

    private static String also(Meanwhile meanwhile) {
        return meanwhile == null ? "" : ", " + meanwhile;
    }

    private static String with(List<Fault> faults) {
        return faults.isEmpty() ? "" : " " + faults;
    }

    /** A whole sequence: how many nodes, how many generations each keeps, and the steps. */
    record Scenario(int nodes, int keep, List<ModelStep> steps) {
        @Override
        public String toString() {
            StringBuilder text = new StringBuilder(nodes + " nodes, keep " + keep + ":");
            for (int i = 0; i < steps.size(); i++) {
                text.append("\n  ").append(i + 1).append(". ").append(steps.get(i));
            }
            return text.toString();
        }
    }
}
