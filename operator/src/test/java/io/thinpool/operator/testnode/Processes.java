package io.thinpool.operator.testnode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the harness's own programs (scripts, ip, docker): argv lists, output captured. */
public final class Processes {

  private Processes() {}

  /** What a finished program printed (stdout and stderr together) and its exit code. */
  public record Result(int exitCode, String output) {}

  /** Runs argv to its end; kills it and fails after {@code timeout}. */
  public static Result run(List<String> argv, Duration timeout) {
    try {
      Path log = Files.createTempFile("thinpool-run", ".log");
      try {
        Process process =
            new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          throw new IllegalStateException(
              "timed out after "
                  + timeout
                  + ": "
                  + String.join(" ", argv)
                  + "\n"
                  + Files.readString(log));
        }
        return new Result(process.exitValue(), Files.readString(log));
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs argv, which must succeed; returns what it printed. */
  public static String must(List<String> argv, Duration timeout) {
    Result result = run(argv, timeout);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          "`"
              + String.join(" ", argv)
              + "` failed (exit "
              + result.exitCode()
              + "):\n"
              + result.output());
    }
    return result.output();
  }

  /** Starts a long-running program with its output in {@code log}. */
  public static Process start(List<String> argv, Path log) {
    try {
      return new ProcessBuilder(argv)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops a program started here: SIGTERM, then SIGKILL after {@code grace}. */
  public static void stop(Process process, Duration grace) {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The last lines of a log, for failure messages. */
  public static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, java.nio.charset.StandardCharsets.ISO_8859_1);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no " + file.getFileName() + ")";
    }
  }
}
