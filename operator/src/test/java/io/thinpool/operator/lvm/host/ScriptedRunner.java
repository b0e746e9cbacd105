package io.thinpool.operator.lvm.host;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-written fake node: answers commands by the start of their command line, records the calls.
 */
public final class ScriptedRunner implements HostCommandRunner {

  private final Map<String, CommandResult> answers = new LinkedHashMap<>();
  public final List<HostCommand> calls = new ArrayList<>();

  public ScriptedRunner answer(String commandLinePrefix, String stdout) {
    answers.put(commandLinePrefix, new CommandResult(0, stdout, "", false));
    return this;
  }

  public ScriptedRunner fail(String commandLinePrefix, int exitCode, String stderr) {
    answers.put(commandLinePrefix, new CommandResult(exitCode, "", stderr, false));
    return this;
  }

  /** The command runs into its timeout and is killed. */
  ScriptedRunner timeOut(String commandLinePrefix) {
    answers.put(commandLinePrefix, new CommandResult(-9, "", "", true));
    return this;
  }

  @Override
  public CommandResult run(HostCommand command) {
    calls.add(command);
    // The answer registered last wins, so a test can override one of a shared set.
    List<Map.Entry<String, CommandResult>> newestFirst = new ArrayList<>(answers.entrySet());
    Collections.reverse(newestFirst);
    return newestFirst.stream()
        .filter(answer -> command.display().startsWith(answer.getKey()))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseThrow(() -> new AssertionError("unexpected command: " + command.display()));
  }

  public List<String> programs() {
    return calls.stream().map(HostCommand::program).toList();
  }
}
