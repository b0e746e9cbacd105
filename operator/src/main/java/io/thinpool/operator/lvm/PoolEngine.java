package io.thinpool.operator.lvm;

import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.lvm.host.HostCommandException;
import io.thinpool.operator.lvm.host.HostCommandRunner;
import io.thinpool.operator.lvm.host.NodeLock;
import io.thinpool.operator.lvm.observe.HostObserver;
import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.plan.MetadataRepair;
import io.thinpool.operator.lvm.plan.Plan;
import io.thinpool.operator.lvm.plan.PoolPlanner;
import io.thinpool.operator.lvm.plan.RecoveryPlanner;
import io.thinpool.operator.lvm.plan.Step;
import io.thinpool.operator.lvm.plan.TeardownConsent;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
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

  /**
   * How long the agent waits for another engine on its node (an admin's command) before it reports
   * the node busy and tries again soon (a transient failure).
   */
  public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(10);

  /** thin_repair reads and writes the whole metadata (up to 16 GiB). */
  public static final Duration REPAIR_TIMEOUT = Duration.ofMinutes(30);

  private final HostCommandRunner runner;
  private final HostObserver observer;
  private final Duration stepTimeout;
  private final Duration lockWait;

  public PoolEngine(HostCommandRunner runner) {
    this(runner, HostCommand.DEFAULT_TIMEOUT, DEFAULT_LOCK_WAIT);
  }

  /**
   * @param stepTimeout how long one step may run before it is killed
   * @param lockWait how long to wait for another engine on the node to finish (see {@link
   *     NodeLock})
   */
  public PoolEngine(HostCommandRunner runner, Duration stepTimeout, Duration lockWait) {
    this.runner = runner;
    this.observer = new HostObserver(runner);
    this.stepTimeout = stepTimeout;
    this.lockWait = lockWait;
  }

  public enum Status {
    /** The node matches the spec: the last plan was empty. */
    CONVERGED,
    /** The planner refused to act; the spec or the node must change first. */
    REFUSED,
    /** A host command failed; {@link Outcome#failure()} says which and how. */
    FAILED,
    /** Steps ran but the node still differs (e.g. monitoring could not be enabled). */
    INCOMPLETE,
    /** Plan only: the plan's steps wait to be applied; nothing ran. */
    PLANNED
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

    /** A refusal made before anything was observed or run (a spec that cannot be read). */
    public static Outcome refused(Plan plan) {
      return new Outcome(Status.REFUSED, plan, List.of(), null, null, null);
    }

    /** Whether a step of this intent was started, whether or not it completed. */
    public boolean started(Step.Intent intent) {
      return executed.stream().anyMatch(step -> step.intent() == intent)
          || (failure instanceof StepFailedException failed && failed.step().intent() == intent);
    }

    /** Whether a host command failed in a way that running it again soon can fix. */
    public boolean failedTransiently() {
      return failure != null && failure.kind().transientFailure();
    }

    /**
     * Whether the pool grew from {@code earlierPoolSizeBytes} while none of the executed steps set
     * its size: dmeventd's autoextend (or a hand), not the engine.
     */
    public boolean extendedSince(long earlierPoolSizeBytes) {
      return report != null
          && report.grewSince(earlierPoolSizeBytes)
          && executed.stream().noneMatch(step -> step.intent().setsPoolSize());
    }
  }

  /**
   * Whether two device lists name a disk in common, by what their paths resolve to on the node: a
   * kernel name and a /dev/disk/by-id link to it are one disk.
   */
  public boolean shareADisk(List<String> some, List<String> others) {
    if (some.stream().anyMatch(others::contains)) {
      return true;
    }
    List<String> all = new ArrayList<>(some);
    all.addAll(others);
    List<String> resolved = observer.realPaths(all);
    return resolved.subList(0, some.size()).stream()
        .anyMatch(resolved.subList(some.size(), resolved.size())::contains);
  }

  public Outcome reconcile(PoolSpec spec) {
    return underNodeLock("reconcile", spec, () -> build(spec));
  }

  /**
   * Removes the pool, its volume group and what else it put on the node. A pool that holds data
   * (thin devices LVM lists or not, mapped blocks, or contents that cannot be read) stays unless
   * {@code consent} covers it; one that a process has open always stays.
   */
  public Outcome teardown(PoolSpec spec, TeardownConsent consent) {
    return underNodeLock(
        "teardown",
        spec,
        () -> converge(spec, state -> PoolPlanner.planTeardown(spec, state, consent)));
  }

  /**
   * The runbook's last resort for a pool that cannot be removed normally (e.g. its metadata is
   * damaged): back up the VG's metadata, restore it without the pool and its thin volumes, remove
   * their device-mapper tables, then rebuild the pool. Everything in the pool is lost; the backup
   * of the metadata as it was stays in /etc/lvm/backup. Only for a VG we own, and only when asked.
   */
  public Outcome recoverPool(PoolSpec spec) {
    return underNodeLock("recovery", spec, () -> recover(spec));
  }

  private Outcome recover(PoolSpec spec) {
    HostState state = observer.observe(spec);
    Optional<Plan> refused = RecoveryPlanner.refusal(spec, state);
    if (refused.isPresent()) {
      return new Outcome(
          Status.REFUSED, refused.get(), List.of(), state, PoolReport.of(spec, state), null);
    }
    String backup =
        "/etc/lvm/backup/"
            + spec.volumeGroup()
            + ".thinpool-recovery."
            + Instant.now().getEpochSecond();
    String edited = backup + ".without-" + spec.poolName();
    List<Step> executed = new ArrayList<>();
    try {
      LOG.warn(
          "recovering pool {}/{}: its data will be lost; metadata backup at {}",
          spec.volumeGroup(),
          spec.poolName(),
          backup);
      for (Step step : RecoveryPlanner.backup(spec, backup)) {
        runStep(step, executed);
      }
      String metadata = runner.runChecked(HostCommand.of("cat", "--", backup));
      List<String> dropped = RecoveryPlanner.droppedVolumes(spec, metadata);
      runStep(RecoveryPlanner.writeWithout(metadata, dropped, edited), executed);
      for (Step deactivation : RecoveryPlanner.deactivations(spec, dropped)) {
        // Best effort: what stays active is checked next, and the pool's own tables go after.
        runner.run(deactivation.command(stepTimeout));
      }
      Plan restore = RecoveryPlanner.restore(spec, dropped, edited, observer.deviceMapperTables());
      if (restore.isRefused()) {
        return new Outcome(
            Status.REFUSED, restore, executed, state, PoolReport.of(spec, state), null);
      }
      for (Step step : restore.steps()) {
        runStep(step, executed);
      }
      for (Step step :
          RecoveryPlanner.leftoverRemoval(spec, dropped, observer.deviceMapperTables())) {
        runStep(step, executed);
      }
    } catch (HostCommandException e) {
      LOG.warn(
          "recovery of pool {}/{} stopped: {}",
          spec.volumeGroup(),
          spec.poolName(),
          e.getMessage());
      return failed(spec, null, executed, state, e);
    }
    return thenBuilt(spec, executed);
  }

  /**
   * Repairs a pool whose metadata failed its check ({@link MetadataRepair}), then reconciles as
   * usual, which activates it. Only on the user's explicit request: thin_repair rebuilds what it
   * can read, and mappings it cannot read are lost; the damaged metadata stays in an LV.
   */
  public Outcome repairMetadata(PoolSpec spec) {
    return underNodeLock("metadata repair", spec, () -> repair(spec));
  }

  private Outcome repair(PoolSpec spec) {
    List<Step> executed = new ArrayList<>();
    HostState state = null;
    try {
      state = observer.observe(spec);
      Plan plan = MetadataRepair.plan(spec, state);
      if (plan.isRefused()) {
        return new Outcome(Status.REFUSED, plan, executed, state, PoolReport.of(spec, state), null);
      }
      LOG.warn("repairing the metadata of pool {}/{}", spec.volumeGroup(), spec.poolName());
      for (Step step : plan.steps()) {
        runStep(step, executed);
      }
    } catch (HostCommandException e) {
      LOG.warn(
          "repair of pool {}/{} failed: {}", spec.volumeGroup(), spec.poolName(), e.getMessage());
      return failed(spec, null, executed, state, e);
    }
    return thenBuilt(spec, executed);
  }

  /** A reconcile after {@code before} ran, its outcome listing those steps first. */
  private Outcome thenBuilt(PoolSpec spec, List<Step> before) {
    Outcome rebuilt = build(spec);
    List<Step> executed = new ArrayList<>(before);
    executed.addAll(rebuilt.executed());
    return new Outcome(
        rebuilt.status(),
        rebuilt.plan(),
        executed,
        rebuilt.state(),
        rebuilt.report(),
        rebuilt.failure());
  }

  /**
   * What a reconcile would do now, running nothing: one observation and its plan. Needs no node
   * lock, as it changes nothing.
   */
  public Outcome plan(PoolSpec spec) {
    try {
      HostState state = observer.observe(spec);
      Plan plan = PoolPlanner.plan(spec, state);
      Status status =
          plan.isRefused()
              ? Status.REFUSED
              : plan.steps().isEmpty() ? Status.CONVERGED : Status.PLANNED;
      return new Outcome(status, plan, List.of(), state, PoolReport.of(spec, state), null);
    } catch (HostCommandException e) {
      return new Outcome(Status.FAILED, null, List.of(), null, null, e);
    }
  }

  /** Observes the node and reports on the pool without changing anything. */
  public PoolReport observe(PoolSpec spec) {
    return PoolReport.of(spec, observer.observe(spec));
  }

  private Outcome build(PoolSpec spec) {
    return converge(spec, state -> PoolPlanner.plan(spec, state));
  }

  /** Runs {@code work} holding the node's lock; a node another engine keeps busy is a failure. */
  private Outcome underNodeLock(String action, PoolSpec spec, Supplier<Outcome> work) {
    NodeLock.Held held;
    try {
      held =
          runner
              .nodeLock()
              .acquire(
                  action + " of " + LvmNames.lvPath(spec.volumeGroup(), spec.poolName()), lockWait);
    } catch (HostCommandException e) {
      LOG.warn("pool {}/{}: {}", spec.volumeGroup(), spec.poolName(), e.getMessage());
      return new Outcome(Status.FAILED, null, List.of(), null, null, e);
    }
    try (held) {
      return work.get();
    }
  }

  private Outcome converge(PoolSpec spec, Function<HostState, Plan> planner) {
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
          runStep(step, executed);
        }
        previous = plan.steps();
      }
      state = observer.observe(spec);
      plan = planner.apply(state);
      Status status = plan.isEmpty() ? Status.CONVERGED : Status.INCOMPLETE;
      return new Outcome(status, plan, executed, state, PoolReport.of(spec, state), null);
    } catch (HostCommandException e) {
      LOG.warn("pool {}/{}: {}", spec.volumeGroup(), spec.poolName(), e.getMessage());
      return failed(spec, plan, executed, state, e);
    }
  }

  /** A host command failed after {@code state} was observed (null if observing failed). */
  private static Outcome failed(
      PoolSpec spec, Plan plan, List<Step> executed, HostState state, HostCommandException e) {
    return new Outcome(
        Status.FAILED, plan, executed, state, state == null ? null : PoolReport.of(spec, state), e);
  }

  private void runStep(Step step, List<Step> executed) {
    // thin_repair reads and writes the whole metadata (up to 16 GiB): killing it half-way helps no
    // one, so it gets far longer than the usual step.
    HostCommand command =
        step.command(step.intent() == Step.Intent.REPAIR_METADATA ? REPAIR_TIMEOUT : stepTimeout);
    LOG.info("running `{}`: {}", command.display(), step.why());
    try {
      runner.runChecked(command);
    } catch (HostCommandException e) {
      throw new StepFailedException(step, e);
    }
    executed.add(step);
  }
}
