package io.thinpool.operator.lvm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observe → plan → execute, until the plan is empty. Every round re-observes the node rather than
 * trusting what the previous round meant to do; a round whose plan repeats the one just executed
 * made no progress and ends the reconcile, so a failed fix (say, dmeventd not running) is reported
 * rather than retried in a loop.
 */
public final class PoolEngine {

  private static final Logger LOG = LoggerFactory.getLogger(PoolEngine.class);
  static final int MAX_ROUNDS = 3;

  private final HostCommandRunner runner;
  private final HostObserver observer;
  private final Duration stepTimeout;

  public PoolEngine(HostCommandRunner runner) {
    this(runner, HostCommand.DEFAULT_TIMEOUT);
  }

  public PoolEngine(HostCommandRunner runner, Duration stepTimeout) {
    this.runner = runner;
    this.observer = new HostObserver(runner);
    this.stepTimeout = stepTimeout;
  }

  public enum Status {
    /** The node matches the spec: the last plan was empty. */
    CONVERGED,
    /** The planner refused to act; the spec or the node must change first. */
    REFUSED,
    /** A host command failed; {@link Outcome#failure()} says which and how. */
    FAILED,
    /** Steps ran but the node still differs (e.g. monitoring could not be enabled). */
    INCOMPLETE
  }

  /**
   * The result of one reconcile or teardown.
   *
   * @param plan the last plan made (empty when converged)
   * @param executed every step that ran, in order
   * @param state the last observation (null when observing failed)
   * @param report the pool as last observed (null when observing failed)
   */
  public record Outcome(
      Status status,
      Plan plan,
      List<Step> executed,
      HostState state,
      PoolReport report,
      HostCommandException failure) {
    public Outcome {
      executed = List.copyOf(executed);
    }
  }

  public Outcome reconcile(PoolSpec spec) {
    return converge(spec, state -> PoolPlanner.plan(spec, state));
  }

  public Outcome teardown(PoolSpec spec, boolean forceRemoveVolumes) {
    return converge(spec, state -> PoolPlanner.planTeardown(spec, state, forceRemoveVolumes));
  }

  /** Observes the node and reports on the pool without changing anything. */
  public PoolReport observe(PoolSpec spec) {
    return PoolReport.of(spec, observer.observe(spec));
  }

  private Outcome converge(PoolSpec spec, java.util.function.Function<HostState, Plan> planner) {
    List<Step> executed = new ArrayList<>();
    HostState state = null;
    Plan plan = null;
    List<Step> previous = List.of();
    try {
      for (int round = 1; round <= MAX_ROUNDS; round++) {
        state = observer.observe(spec);
        plan = planner.apply(state);
        if (plan.isRefused()) {
          return new Outcome(
              Status.REFUSED, plan, executed, state, PoolReport.of(spec, state), null);
        }
        if (plan.steps().isEmpty()) {
          return new Outcome(
              Status.CONVERGED, plan, executed, state, PoolReport.of(spec, state), null);
        }
        if (plan.steps().equals(previous)) {
          break;
        }
        for (Step step : plan.steps()) {
          execute(step);
          executed.add(step);
        }
        previous = plan.steps();
      }
      state = observer.observe(spec);
      plan = planner.apply(state);
      Status status = plan.isEmpty() ? Status.CONVERGED : Status.INCOMPLETE;
      return new Outcome(status, plan, executed, state, PoolReport.of(spec, state), null);
    } catch (HostCommandException e) {
      LOG.warn("pool {}/{}: {}", spec.volumeGroup(), spec.poolName(), e.getMessage());
      return new Outcome(
          Status.FAILED,
          plan,
          executed,
          state,
          state == null ? null : PoolReport.of(spec, state),
          e);
    }
  }

  private void execute(Step step) {
    HostCommand command = step.command(stepTimeout);
    LOG.info("running `{}`: {}", command.display(), step.why());
    CommandResult result = runner.run(command);
    if (!result.succeeded()) {
      throw HostCommandException.failed(command, result);
    }
  }
}
