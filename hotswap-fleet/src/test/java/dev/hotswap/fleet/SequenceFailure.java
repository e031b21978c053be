package dev.hotswap.fleet;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link FleetModel} sequence that broke an invariant: the steps up to and including the one
 * that broke it, and what broke. {@link #minimize} shrinks it by replaying it with steps and faults
 * left out, keeping every replay that still fails: a generated list shrinks poorly in QuickTheories
 * (it simplifies the values, not the length), and replays of real engines are too slow for many
 * blind attempts.
 */
final class SequenceFailure extends AssertionError {
    private static final long serialVersionUID = 1L;

    /** Runs a scenario to its end, or throws the failure of the step that broke an invariant. */
    @FunctionalInterface
    interface Runner {
        /** Returns the steps it ran. */
        int run(ModelStep.Scenario scenario) throws SequenceFailure;
    }

    private final transient ModelStep.Scenario failing;

    SequenceFailure(ModelStep.Scenario failing, Throwable cause) {
        super("step " + failing.steps().size() + " broke the fleet: " + cause.getMessage(), cause);
        this.failing = failing;
    }

    /** The steps up to and including the one that broke an invariant. */
    ModelStep.Scenario failing() {
        return failing;
    }

    /**
     * Replays shorter and simpler sequences (a step left out, a fault left out), at most
     * {@code replays} of them, and returns the smallest that still failed, with its failure.
     */
    SequenceFailure minimize(Runner runner, int replays) {
        SequenceFailure smallest = this;
        int left = replays;
        boolean shrunk = true;
        while (shrunk && left > 0) {
            shrunk = false;
            List<ModelStep> steps = smallest.failing().steps();
            for (int i = 0; i < steps.size() && left > 0 && !shrunk; i++) {
                List<ModelStep> fewer = new ArrayList<>(steps);
                fewer.remove(i);
                if (!fewer.isEmpty()) {
                    left--;
                    SequenceFailure failure = replay(runner, smallest.failing(), fewer);
                    if (failure != null) {
                        smallest = failure;
                        shrunk = true;
                    }
                }
            }
            for (int i = 0; i < steps.size() && left > 0 && !shrunk; i++) {
                for (int f = 0; f < steps.get(i).faults().size() && left > 0 && !shrunk; f++) {
                    List<ModelStep> simpler = new ArrayList<>(steps);
                    simpler.set(i, withoutFault(steps.get(i), f));
                    left--;
                    SequenceFailure failure = replay(runner, smallest.failing(), simpler);
                    if (failure != null) {
                        smallest = failure;
                        shrunk = true;
                    }
                }
            }
        }
        return smallest;
    }

    private static SequenceFailure replay(Runner runner, ModelStep.Scenario scenario, List<ModelStep> steps) {
        try {
            runner.run(new ModelStep.Scenario(scenario.nodes(), scenario.keep(), steps));
            return null;
        } catch (SequenceFailure failure) {
            return failure;
        }
    }

    private static ModelStep withoutFault(ModelStep step, int index) {
        List<Fault> faults = new ArrayList<>(step.faults());
        faults.remove(index);
        if (step instanceof ModelStep.Push push) {
            return new ModelStep.Push(push.otherSchema(), push.meanwhile(), faults);
        } else if (step instanceof ModelStep.Rollback rollback) {
            return new ModelStep.Rollback(rollback.to(), rollback.meanwhile(), faults);
        } else if (step instanceof ModelStep.Restart) {
            return new ModelStep.Restart(faults);
        }
        throw new IllegalArgumentException(step + " has no faults");
    }
}
