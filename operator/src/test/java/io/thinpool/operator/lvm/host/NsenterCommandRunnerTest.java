package io.thinpool.operator.lvm.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The production runner's process handling, with real child processes (nsenter itself needs a
 * node).
 */
class NsenterCommandRunnerTest {

  @Test
  void stdinIsFedAndOutputAndExitCodeAreCaptured() {
    HostCommand cat = HostCommand.of("cat").withStdin("activation {}\n");

    CommandResult result = NsenterCommandRunner.runProcess(cat.argv(), cat);

    assertThat(result.succeeded()).isTrue();
    assertThat(result.stdout()).isEqualTo("activation {}\n");
  }

  @Test
  void argumentsAreNeverInterpretedByAShell() {
    HostCommand echo = HostCommand.of("echo", "$(id)", ";", "*");

    assertThat(NsenterCommandRunner.runProcess(echo.argv(), echo).stdout())
        .isEqualTo("$(id) ; *\n");
  }

  @Test
  void theLocaleIsForcedToCSoMessagesCanBeClassified() {
    HostCommand env = HostCommand.of("env");

    assertThat(NsenterCommandRunner.runProcess(env.argv(), env).stdout()).contains("LC_ALL=C");
  }

  @Test
  void aCommandThatOutlivesItsTimeoutIsKilled() {
    HostCommand sleep = new HostCommand(List.of("sleep", "30"), null, Duration.ofMillis(300));

    long start = System.nanoTime();
    CommandResult result = NsenterCommandRunner.runProcess(sleep.argv(), sleep);

    assertThat(result.timedOut()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(FailureKind.of(result)).isEqualTo(FailureKind.TIMEOUT);
  }

  @Test
  void aMissingProgramIsNotFoundAndAFailureKeepsItsStderr() {
    HostCommand missing = HostCommand.of("no-such-program-here");
    HostCommand failing = HostCommand.of("ls", "/no/such/path");

    assertThat(FailureKind.of(NsenterCommandRunner.runProcess(missing.argv(), missing)))
        .isEqualTo(FailureKind.NOT_FOUND);
    CommandResult ls = NsenterCommandRunner.runProcess(failing.argv(), failing);
    assertThat(ls.exitCode()).isNotZero();
    assertThat(ls.stderr()).contains("No such file");
  }

  @Test
  void aCommandThatRunsIntoItsTimeoutIsAskedToStopBeforeAnythingHarder() {
    HostCommand stoppable =
        new HostCommand(
            List.of("sh", "-c", "trap 'echo stopped cleanly; exit 3' TERM; sleep 30 & wait"),
            null,
            Duration.ofMillis(500));

    CommandResult result = NsenterCommandRunner.runProcess(stoppable.argv(), stoppable);

    assertThat(result.timedOut()).isTrue();
    assertThat(result.leftRunning()).isFalse();
    assertThat(result.stdout()).contains("stopped cleanly");
  }

  @Test
  void anLvmMetadataChangeThatWillNotStopIsLeftRunningAndReportedNotKilled() throws Exception {
    String marker = "61.25";
    // What the engine asked for is lvconvert; the stand-in ignores SIGTERM as a busy one would.
    HostCommand lvconvert =
        new HostCommand(List.of("lvconvert", "--repair", "vg/pool"), null, Duration.ofMillis(300));
    List<String> standIn = List.of("sh", "-c", "trap '' TERM; sleep " + marker);
    try {
      CommandResult result =
          NsenterCommandRunner.runProcess(standIn, lvconvert, Duration.ofMillis(500));

      assertThat(result.leftRunning()).isTrue();
      assertThat(FailureKind.of(result)).isEqualTo(FailureKind.LEFT_RUNNING);
      assertThat(FailureKind.LEFT_RUNNING.transientFailure()).isFalse();
      assertThat(HostCommandException.failed(lvconvert, result))
          .hasMessageContaining("left running")
          .hasMessageContaining("check the node");
      assertThat(running(marker)).isTrue();
    } finally {
      new ProcessBuilder("pkill", "-KILL", "-f", "sleep " + marker).start().waitFor();
    }
  }

  @Test
  void anInterruptedCommandStopsWithEverythingItStarted() throws Exception {
    String marker = "617.5";
    HostCommand sleep =
        new HostCommand(List.of("sh", "-c", "sleep " + marker), null, Duration.ofMinutes(5));
    Thread caller =
        new Thread(
            () -> {
              try {
                NsenterCommandRunner.runProcess(sleep.argv(), sleep, Duration.ofSeconds(5));
              } catch (HostCommandException expected) {
                // interrupted
              }
            });
    caller.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!running(marker) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(running(marker)).isTrue();

    caller.interrupt();
    caller.join(10_000);

    assertThat(running(marker)).isFalse();
  }

  /** Whether a process with this marker in its command line runs. */
  private static boolean running(String marker) {
    return ProcessHandle.allProcesses()
        .anyMatch(
            p ->
                p.isAlive()
                    && p.info()
                        .commandLine()
                        .map(line -> line.contains("sleep " + marker))
                        .orElse(false)
                    && p.info().command().map(c -> c.endsWith("sleep")).orElse(false));
  }
}
