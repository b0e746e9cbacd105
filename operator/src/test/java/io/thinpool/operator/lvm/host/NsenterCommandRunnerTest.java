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
}
