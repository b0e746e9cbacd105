package io.thinpool.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.Main;
import io.thinpool.operator.lvm.spec.PoolOwner;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.rules.PoolRules;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** The command line as an admin meets it: what it accepts, and how it refuses. */
class EngineCommandTest {

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {
    /** A refusal a person can read: exactly one line, no stack trace. */
    Run isOneLine() {
      assertThat(err.lines()).as(err).hasSize(1);
      assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
      return this;
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        new Main()
            .commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
            .execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** The spec the options ask for, parsed only: nothing runs. */
  private static PoolSpec parsed(String... reconcileOptions) {
    CommandLine line =
        new Main()
            .commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
    String[] args = new String[reconcileOptions.length + 2];
    args[0] = "engine";
    args[1] = "reconcile";
    System.arraycopy(reconcileOptions, 0, args, 2, reconcileOptions.length);
    ParseResult result = line.parseArgs(args);
    EngineCommand.Reconcile reconcile =
        (EngineCommand.Reconcile) result.subcommand().subcommand().commandSpec().userObject();
    return reconcile.pool.spec();
  }

  @Test
  void aMistypedOptionWithAValueIsRefusedWithTheNameItMeantRatherThanIgnored() {
    Run run = run("engine", "reconcile", "--device", "/dev/sdb", "--volume-grup", "foo");

    assertThat(run.exit()).isEqualTo(2);
    run.isOneLine();
    assertThat(run.err())
        .startsWith("thinpool-operator engine reconcile: ")
        .contains("'--volume-grup'")
        .contains("did you mean --volume-group");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aNonNumericOrMissingValueIsAUsageErrorNamingTheOption() {
    Run notANumber = run("engine", "reconcile", "--device", "/dev/sdb", "--data-percent", "ninety");
    Run missing = run("engine", "reconcile", "--device", "/dev/sdb", "--volume-group");
    Run noDevice = run("engine", "observe");

    assertThat(notANumber.exit()).isEqualTo(2);
    assertThat(notANumber.isOneLine().err()).contains("--data-percent").contains("'ninety'");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.isOneLine().err()).contains("--volume-group");
    assertThat(noDevice.exit()).isEqualTo(2);
    assertThat(noDevice.isOneLine().err()).contains("--device");
  }

  @Test
  void everyPoolFieldOfTheResourceIsAnOptionAndOptEqualsValueWorks() {
    PoolSpec spec =
        parsed(
            "--device=/dev/sdb",
            "--device",
            "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4",
            "--volume-group=vg-data",
            "--pool=pool0",
            "--metadata-name=pool0meta",
            "--data-percent=60",
            "--metadata-percent=3",
            "--metadata-size=1Gi",
            "--chunk-size=1Mi",
            "--zeroing",
            "--no-wipe-signatures",
            "--profile=fast",
            "--threshold=70",
            "--extend-percent=30",
            "--destroy-existing-data",
            "--adopt-existing",
            "--owner=tpc-a",
            "--node=n1");

    assertThat(spec)
        .isEqualTo(
            new PoolSpec(
                java.util.List.of("/dev/sdb", "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4"),
                "vg-data",
                "pool0",
                "pool0meta",
                60,
                3,
                java.util.OptionalLong.of(1024L * 1024 * 1024),
                1024 * 1024,
                true,
                false,
                new PoolSpec.AutoextendPolicy("fast", 70, 30),
                true,
                true,
                new PoolOwner("tpc-a", "n1")));
  }

  @Test
  void withOnlyADeviceTheSpecIsTheRunbooks() {
    assertThat(parsed("--device", "/dev/sdb", "--node", "node"))
        .isEqualTo(PoolSpec.runbook("/dev/sdb"));
  }

  @Test
  void invalidNamesAndPathsAreRefusedInTheOptionsWordsBeforeTheNodeIsContacted()
      throws IOException {
    Path socket = dir.resolve("node.sock");
    try (ServerSocketChannel node = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      node.bind(UnixDomainSocketAddress.of(socket));
      node.configureBlocking(false);

      Run run =
          run(
              "engine",
              "reconcile",
              "--device",
              "/dev/sdb;reboot",
              "--volume-group",
              "-vg",
              "--chunk-size",
              "100Ki",
              "--data-percent=90",
              "--metadata-percent=20",
              "--node-socket",
              socket.toString());

      assertThat(run.exit()).isEqualTo(2);
      assertThat(run.isOneLine().err())
          .contains("--device: '/dev/sdb;reboot' is not a block device path")
          .contains("--volume-group: '-vg' is not a valid LVM name")
          .contains("--chunk-size: 102400 bytes is not a chunk size LVM accepts")
          .contains(
              "--data-percent + --metadata-percent: 90 + 20 = 110 is over 100: together they share");
      assertThat(node.accept()).as("a connection to the node").isNull();
    }
  }

  @Test
  void aChunkSizeNotWrittenAsTheResourceWritesItIsAUsageError() {
    Run run = run("engine", "reconcile", "--device", "/dev/sdb", "--chunk-size", "big");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.isOneLine().err()).contains("'big' is not a chunk size LVM accepts");
  }

  @Test
  void aMetadataSizeBeyondLvmsMaximumIsRefusedInTheOptionsWords() {
    Run run = run("engine", "reconcile", "--device", "/dev/sdb", "--metadata-size", "16Gi");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.isOneLine().err())
        .contains("--metadata-size")
        .contains("is not a metadata size LVM accepts");
  }

  @Test
  void anUnreachableNodeSocketIsAFailureInOneLine() {
    Path socket = dir.resolve("nobody-listens.sock");

    Run run = run("engine", "observe", "--device", "/dev/sdb", "--node-socket", socket.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.isOneLine().err())
        .startsWith("thinpool-operator engine observe: cannot reach the node socket " + socket);
  }

  @Test
  void recoveryWithoutTheConfirmationIsRefusedBeforeTheNodeIsContacted() {
    // Nobody listens there: reaching for the node first would end in exit status 1 instead.
    Path socket = dir.resolve("nobody-listens.sock");
    Run run = run("engine", "recover", "--device", "/dev/sdb", "--node-socket", socket.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.isOneLine().err()).contains("add --confirm-data-loss");
  }

  @Test
  void theHelpIsGeneratedFromTheOptionsWithTheirDefaults() {
    Run help = run("engine", "reconcile", "--help");
    Run modes = run("--help");

    assertThat(help.exit()).isZero();
    assertThat(help.out())
        .startsWith("usage: thinpool-operator engine reconcile")
        .contains("--device=PATH")
        .contains("--chunk-size=SIZE")
        .contains("default: 512Ki")
        .contains("--[no-]zeroing")
        .contains("--[no-]wipe-signatures")
        .contains("--metadata-name=NAME")
        .contains("--profile=NAME")
        .contains("--lock-wait=SECONDS")
        // Ranges come from the rules the CRD schema and the agent check too.
        .contains("from " + PoolRules.METADATA_SIZE_MIN + " to " + PoolRules.METADATA_SIZE_MAX)
        .contains(PoolRules.THRESHOLD_PERCENT_MIN + "-" + PoolRules.THRESHOLD_PERCENT_MAX);
    assertThat(modes.exit()).isZero();
    assertThat(modes.out())
        .contains("thinpool-operator agent")
        .contains("thinpool-operator controller")
        .contains("thinpool-operator engine");
  }

  @Test
  void withoutAModeOrActionTheUsageErrorSaysWhatIsMissing() {
    Run nothing = run();
    Run engine = run("engine");
    Run agent = run("agent", "--node", "x");

    assertThat(nothing.exit()).isEqualTo(2);
    assertThat(nothing.isOneLine().err()).contains("name a mode: agent, controller or engine");
    assertThat(engine.exit()).isEqualTo(2);
    assertThat(engine.isOneLine().err()).contains("name an action: reconcile");
    assertThat(agent.exit()).isEqualTo(2);
    assertThat(agent.isOneLine().err()).contains("'--node'");
  }
}
