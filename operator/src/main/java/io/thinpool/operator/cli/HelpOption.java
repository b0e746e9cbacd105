package io.thinpool.operator.cli;

import picocli.CommandLine.Option;

/** {@code -h}/{@code --help} on every command: the usage picocli generates from the options. */
public final class HelpOption {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean requested;
}
