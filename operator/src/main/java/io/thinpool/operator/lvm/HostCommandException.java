package io.thinpool.operator.lvm;

/** A host command that failed, with the classified reason and what it printed. */
public class HostCommandException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient HostCommand command;
  private final FailureKind kind;

  public HostCommandException(
      HostCommand command, FailureKind kind, String message, Throwable cause) {
    super(message, cause);
    this.command = command;
    this.kind = kind;
  }

  public static HostCommandException failed(HostCommand command, CommandResult result) {
    FailureKind kind = FailureKind.of(result);
    String detail =
        result.timedOut()
            ? "timed out after " + command.timeout().toSeconds() + "s"
            : "exit " + result.exitCode();
    String stderr = result.stderr().strip();
    return new HostCommandException(
        command,
        kind,
        "`"
            + command.display()
            + "` failed ("
            + detail
            + ", "
            + kind
            + ")"
            + (stderr.isEmpty() ? "" : ": " + stderr),
        null);
  }

  public HostCommand command() {
    return command;
  }

  public FailureKind kind() {
    return kind;
  }
}
