package io.thinpool.operator.lvm.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.thinpool.operator.lvm.PoolEngine;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two engines on one node: the second waits, then refuses naming the first; never both at once. */
class NodeLockTest {

  @TempDir Path dir;

  /** An admin's engine: another JVM that takes the lock, says "held", and keeps it. */
  private static Process engineInAnotherProcess(Path file, ProcessBuilder.Redirect stderr)
      throws IOException {
    return new ProcessBuilder(
            ProcessHandle.current().info().command().orElseThrow(),
            "-cp",
            System.getProperty("java.class.path"),
            NodeLockHolder.class.getName(),
            file.toString())
        .redirectError(stderr)
        .start();
  }

  @Test
  void anEngineInAnotherProcessHoldsTheLockUntilItDiesAndTheRefusalNamesIt() throws Exception {
    Path file = dir.resolve("run/thinpool-operator/engine.lock");
    Process other = engineInAnotherProcess(file, ProcessBuilder.Redirect.INHERIT);
    try {
      BufferedReader said =
          new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
      assertThat(said.readLine()).isEqualTo("held");

      assertThatThrownBy(() -> NodeLock.file(file).acquire("reconcile", Duration.ofMillis(600)))
          .isInstanceOfSatisfying(
              HostCommandException.class,
              e -> assertThat(e.kind()).isEqualTo(FailureKind.LOCK_CONTENTION))
          .hasMessageContaining("another engine is changing this node")
          .hasMessageContaining("teardown by an admin, pid " + other.pid());

      other.destroyForcibly(); // SIGKILL: no chance to let go; the kernel drops its lock
      assertThat(other.waitFor(10, TimeUnit.SECONDS)).isTrue();
      try (NodeLock.Held held = NodeLock.file(file).acquire("reconcile", Duration.ofSeconds(2))) {
        assertThat(held).isNotNull();
      }
    } finally {
      other.destroyForcibly();
    }
  }

  @Test
  void whenASecondThreadGivesUpWaitingThenTheFirstStillHoldsTheLockAgainstOtherProcesses()
      throws Exception {
    Path file = dir.resolve("engine.lock");
    NodeLock lock = NodeLock.file(file);
    try (NodeLock.Held build = lock.acquire("build of docker/thinpool", Duration.ZERO)) {
      // A second ThinPool's reconcile thread in the same agent times out, naming the first.
      assertThatThrownBy(() -> lock.acquire("repair of docker/other", Duration.ofMillis(300)))
          .hasMessageContaining("build of docker/thinpool");

      // An admin's engine in another process must still find the node busy.
      Process admin = engineInAnotherProcess(file, ProcessBuilder.Redirect.DISCARD);
      try {
        assertThat(admin.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(admin.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
            .doesNotContain("held");
        assertThat(admin.exitValue()).isNotZero();
      } finally {
        admin.destroyForcibly();
      }
    }
  }

  @Test
  void twoThreadsOfOneProcessTakeTurnsAndTheSecondWaitsForTheFirst() throws Exception {
    NodeLock lock = NodeLock.file(dir.resolve("engine.lock"));
    List<String> order = new ArrayList<>();
    Thread second;
    try (NodeLock.Held first = lock.acquire("first", Duration.ZERO)) {
      second =
          new Thread(
              () -> {
                try (NodeLock.Held held = lock.acquire("second", Duration.ofSeconds(10))) {
                  synchronized (order) {
                    order.add("second");
                  }
                }
              });
      second.start();
      Thread.sleep(300);
      synchronized (order) {
        order.add("first done");
      }
    }
    second.join(10_000);
    assertThat(order).containsExactly("first done", "second");
  }

  @Test
  void anEngineThatCannotTakeTheLockRunsNothingAndFailsTransiently() throws IOException {
    NodeLock lock = NodeLock.file(dir.resolve("engine.lock"));
    List<HostCommand> ran = new ArrayList<>();
    HostCommandRunner node =
        new HostCommandRunner() {
          @Override
          public CommandResult run(HostCommand command) {
            ran.add(command);
            return new CommandResult(0, "", "", false);
          }

          @Override
          public NodeLock nodeLock() {
            return lock;
          }
        };
    PoolEngine.Outcome outcome;
    try (NodeLock.Held admin = lock.acquire("teardown by an admin", Duration.ZERO)) {
      outcome =
          new PoolEngine(node, HostCommand.DEFAULT_TIMEOUT, Duration.ofMillis(300))
              .reconcile(PoolSpec.runbook("/dev/sdb"));
    }

    assertThat(outcome.status()).isEqualTo(PoolEngine.Status.FAILED);
    assertThat(outcome.failedTransiently()).isTrue();
    assertThat(outcome.failure()).hasMessageContaining("teardown by an admin");
    assertThat(ran).isEmpty();
  }
}
