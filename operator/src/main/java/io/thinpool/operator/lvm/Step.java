package io.thinpool.operator.lvm;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * One planned host command and why it is needed; {@code stdin} carries file content for the
 * shell-free file writes.
 */
public record Step(List<String> argv, String stdin, String why) {

  public Step {
    argv = List.copyOf(argv);
    stdin = stdin == null ? "" : stdin;
  }

  public static Step of(String why, String... argv) {
    return new Step(List.of(argv), "", why);
  }

  public HostCommand command(Duration timeout) {
    return new HostCommand(argv, stdin.getBytes(StandardCharsets.UTF_8), timeout);
  }

  public String program() {
    return argv.get(0);
  }

  @Override
  public String toString() {
    return String.join(" ", argv) + "  # " + why;
  }
}
