package io.thinpool.operator.testnode;

import java.nio.file.Path;

/** The repository's scripts/ directory, which the test harnesses run. */
final class Scripts {

  private Scripts() {}

  /** From the system property the build sets, or relative to operator/ where Maven runs. */
  static Path dir() {
    return Path.of(System.getProperty("thinpool.scripts", "../scripts"))
        .toAbsolutePath()
        .normalize();
  }
}
