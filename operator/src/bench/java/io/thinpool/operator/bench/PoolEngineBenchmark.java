package io.thinpool.operator.bench;

import static io.thinpool.operator.testnode.TestVm.disk;

import io.thinpool.operator.lvm.PoolEngine;
import io.thinpool.operator.lvm.RecordingRunner;
import io.thinpool.operator.lvm.RunbookByHand;
import io.thinpool.operator.lvm.host.CommandResult;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.testnode.TestVm;
import io.thinpool.operator.testnode.TestVmExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Prints, from one run in the test VM: the engine's first reconcile to a ready pool against the
 * runbook's raw commands run back to back, and what a steady-state reconcile costs. A benchmark,
 * not a test: it asserts nothing. Run it with scripts/bench-engine.sh.
 */
public final class PoolEngineBenchmark {

  private static final int STEADY_RUNS = 10;

  private PoolEngineBenchmark() {}

  public static void main(String[] args) {
    long bootStart = System.nanoTime();
    try (TestVm vm = TestVm.boot(TestVmExtension.DEFAULT_RELEASE)) {
      Duration boot = since(bootStart);
      vm.reset();
      PoolSpec spec = PoolSpec.runbook(disk(1));

      long rawStart = System.nanoTime();
      for (HostCommand command : runbook()) {
        CommandResult result = vm.run(command);
        if (!result.succeeded()) {
          throw new IllegalStateException(
              "runbook step failed: " + command.display() + ": " + result.stderr());
        }
      }
      Duration raw = since(rawStart);

      vm.reset();
      RecordingRunner first = new RecordingRunner(vm);
      long engineStart = System.nanoTime();
      PoolEngine.Outcome built = new PoolEngine(first).reconcile(spec);
      Duration engine = since(engineStart);

      List<Long> steadyMillis = new ArrayList<>();
      RecordingRunner steady = null;
      for (int i = 0; i < STEADY_RUNS; i++) {
        steady = new RecordingRunner(vm);
        long start = System.nanoTime();
        new PoolEngine(steady).reconcile(spec);
        steadyMillis.add(since(start).toMillis());
      }
      Collections.sort(steadyMillis);

      System.out.printf("VM boot (qemu TCG, to command channel ready): %d ms%n", boot.toMillis());
      System.out.printf(
          "raw runbook, %d commands back to back:         %d ms%n",
          runbook().size(), raw.toMillis());
      System.out.printf(
          "engine first reconcile to a ready pool:       %d ms (%s, %d commands of which %d changes, %d LVM invocations)%n",
          engine.toMillis(),
          built.status(),
          first.commands().size(),
          first.mutations(),
          first.lvmInvocations());
      System.out.printf(
          "steady-state reconcile (median of %d):         %d ms, %d LVM invocation(s), %d command(s) in all, %d change(s)%n",
          STEADY_RUNS,
          steadyMillis.get(STEADY_RUNS / 2),
          steady.lvmInvocations(),
          steady.commands().size(),
          steady.mutations());
      System.out.println(
          "steady-state commands: "
              + steady.commands().stream().map(HostCommand::program).toList());
    }
  }

  /** The origin document's sequence, as an operator would type it. */
  private static List<HostCommand> runbook() {
    List<HostCommand> commands =
        new ArrayList<>(RunbookByHand.toThePool(disk(1), "docker", "thinpool", 90, 5));
    commands.addAll(
        List.of(
            HostCommand.of("dd", "of=/etc/lvm/profile/docker-thinpool.profile", "status=none")
                .withStdin(LvmNames.profileContent(PoolSpec.AutoextendPolicy.RUNBOOK)),
            HostCommand.of("lvchange", "--metadataprofile", "docker-thinpool", "docker/thinpool"),
            HostCommand.of("lvs", "-o+seg_monitor")));
    return commands;
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
