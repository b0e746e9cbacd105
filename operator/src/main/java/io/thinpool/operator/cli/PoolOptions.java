package io.thinpool.operator.cli;

import io.thinpool.operator.lvm.spec.PoolOwner;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.rules.Defaults;
import io.thinpool.operator.rules.PoolRules;
import io.thinpool.operator.rules.Violation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The pool fields of a ThinPoolConfig as engine options, with the same defaults (the runbook's) and
 * validated by the same rules ({@link PoolSpec#violations()}) before anything reaches the node.
 * {@code deletionPolicy} has no option: on the command line, teardown is its own action.
 */
final class PoolOptions {

  /** The spec's field names as its errors name them, and the options a user types for them. */
  private static final Map<String, String> OPTION_OF_FIELD =
      Map.ofEntries(
          Map.entry("devices", "--device"),
          Map.entry("volumeGroup", "--volume-group"),
          Map.entry("poolName", "--pool"),
          Map.entry("metadataName", "--metadata-name"),
          Map.entry("dataPercentOfVg", "--data-percent"),
          Map.entry("metadataPercentOfVg", "--metadata-percent"),
          Map.entry("metadataSize", "--metadata-size"),
          Map.entry("chunkSize", "--chunk-size"),
          Map.entry("autoextend.profile", "--profile"),
          Map.entry("autoextend.thresholdPercent", "--threshold"),
          Map.entry("autoextend.extendPercent", "--extend-percent"),
          Map.entry("owner.config", "--owner"),
          Map.entry("owner.node", "--node"));

  /** The share of the VG the data and metadata LVs may each take, as the rules allow it. */
  private static final String PERCENT_OF_VG =
      PoolRules.PERCENT_OF_VG_MIN + "-" + PoolRules.PERCENT_OF_VG_MAX;

  @Option(
      names = "--device",
      paramLabel = "PATH",
      required = true,
      description = "A device for the volume group, under /dev (repeatable).")
  List<String> devices = new ArrayList<>();

  @Option(
      names = "--volume-group",
      paramLabel = "NAME",
      defaultValue = Defaults.VOLUME_GROUP,
      description = "Volume group (default: ${DEFAULT-VALUE}).")
  String volumeGroup;

  @Option(
      names = "--pool",
      paramLabel = "NAME",
      defaultValue = Defaults.POOL,
      description = "Thin pool LV (default: ${DEFAULT-VALUE}).")
  String pool;

  @Option(
      names = "--metadata-name",
      paramLabel = "NAME",
      defaultValue = Defaults.METADATA,
      description = "Metadata LV before the conversion (default: ${DEFAULT-VALUE}).")
  String metadataName;

  @Option(
      names = "--data-percent",
      paramLabel = "N",
      defaultValue = Defaults.DATA_PERCENT_TEXT,
      description =
          "Data LV size, %% of the VG, " + PERCENT_OF_VG + " (default: ${DEFAULT-VALUE}).")
  int dataPercent;

  @Option(
      names = "--metadata-percent",
      paramLabel = "N",
      defaultValue = Defaults.METADATA_PERCENT_TEXT,
      description =
          "Metadata LV size, %% of the VG, " + PERCENT_OF_VG + " (default: ${DEFAULT-VALUE}).")
  int metadataPercent;

  @Option(
      names = "--metadata-size",
      paramLabel = "SIZE",
      converter = MetadataSize.class,
      description =
          "Metadata LV size instead of --metadata-percent, from "
              + PoolRules.METADATA_SIZE_MIN
              + " to "
              + PoolRules.METADATA_SIZE_MAX
              + " (LVM's maximum).")
  Long metadataSizeBytes;

  @Option(
      names = "--chunk-size",
      paramLabel = "SIZE",
      defaultValue = Defaults.CHUNK_SIZE,
      converter = ChunkSize.class,
      description =
          "Chunk size, a multiple of "
              + PoolRules.CHUNK_SIZE_MIN
              + " from "
              + PoolRules.CHUNK_SIZE_MIN
              + " to "
              + PoolRules.CHUNK_SIZE_MAX
              + " (default: ${DEFAULT-VALUE}).")
  long chunkSizeBytes;

  @Option(
      names = "--zeroing",
      negatable = true,
      description = "Zero new pool blocks (default: off, the runbook's --zero n).")
  boolean zeroing;

  // picocli's documented form for an option that is on by default: the negative name, negatable.
  @Option(
      names = "--no-wipe-signatures",
      negatable = true,
      description = "lvcreate --wipesignatures (default: on).")
  boolean wipeSignatures = Defaults.WIPE_SIGNATURES;

  @Option(
      names = "--profile",
      paramLabel = "NAME",
      defaultValue = Defaults.PROFILE,
      description = "Autoextend metadata profile (default: ${DEFAULT-VALUE}).")
  String profile;

  @Option(
      names = "--threshold",
      paramLabel = "N",
      defaultValue = Defaults.THRESHOLD_PERCENT_TEXT,
      description =
          "Autoextend threshold, %% data usage, "
              + PoolRules.THRESHOLD_PERCENT_MIN
              + "-"
              + PoolRules.THRESHOLD_PERCENT_MAX
              + " (default: ${DEFAULT-VALUE}; "
              + PoolRules.THRESHOLD_PERCENT_MAX
              + " disables).")
  int threshold;

  @Option(
      names = "--extend-percent",
      paramLabel = "N",
      defaultValue = Defaults.EXTEND_PERCENT_TEXT,
      description =
          "Autoextend step, %% of the pool, "
              + PoolRules.EXTEND_PERCENT_MIN
              + "-"
              + PoolRules.EXTEND_PERCENT_MAX
              + " (default: ${DEFAULT-VALUE}).")
  int extendPercent;

  @Option(
      names = "--destroy-existing-data",
      description = "DANGER: wipe devices that carry signatures or foreign physical volumes.")
  boolean destroyExistingData;

  @Option(
      names = "--adopt-existing",
      description =
          "Take over a volume group and pool of these names made without thinpool-operator (the"
              + " runbook by hand) when they match; their data is not touched.")
  boolean adoptExisting;

  @Option(
      names = "--owner",
      paramLabel = "CONFIG",
      defaultValue = PoolOwner.ENGINE,
      description =
          "The ThinPoolConfig whose pool this is, recorded in the volume group's tags (default:"
              + " ${DEFAULT-VALUE}, the engine's own); another config's volume group is refused.")
  String owner;

  @Option(
      names = "--node",
      paramLabel = "NAME",
      defaultValue = "${env:NODE_NAME}",
      description =
          "This node's Kubernetes name, recorded in the volume group's tags (default: $NODE_NAME,"
              + " else the hostname); another node's volume group is never touched.")
  String node;

  /** The spec these options ask for. */
  PoolSpec spec() {
    return new PoolSpec(
        devices,
        volumeGroup,
        pool,
        metadataName,
        dataPercent,
        metadataPercent,
        metadataSizeBytes == null ? OptionalLong.empty() : OptionalLong.of(metadataSizeBytes),
        chunkSizeBytes,
        zeroing,
        wipeSignatures,
        new PoolSpec.AutoextendPolicy(profile, threshold, extendPercent),
        destroyExistingData,
        adoptExisting,
        new PoolOwner(owner, node == null ? hostname() : node));
  }

  /** The kernel's host name: the node's name where NODE_NAME is not set (on the host itself). */
  private static String hostname() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the host name; pass --node", e);
    }
  }

  /** What is wrong with the spec, in the options' names rather than the resource's fields. */
  static List<String> inOptionNames(List<Violation> violations) {
    return violations.stream()
        .map(v -> v.describe(field -> OPTION_OF_FIELD.getOrDefault(field, field)))
        .toList();
  }

  /** A size as the resource writes sizes (bytes, or with Ki, Mi or Gi), parsed alike. */
  private abstract static class ByteQuantity implements ITypeConverter<Long> {
    private final String notThisSize;

    ByteQuantity(String notThisSize) {
      this.notThisSize = notThisSize;
    }

    @Override
    public Long convert(String value) {
      return PoolRules.sizeBytes(value)
          .orElseThrow(() -> new TypeConversionException("'" + value + "' " + notThisSize));
    }
  }

  static final class ChunkSize extends ByteQuantity {
    ChunkSize() {
      super(PoolRules.NOT_A_CHUNK_SIZE);
    }
  }

  static final class MetadataSize extends ByteQuantity {
    MetadataSize() {
      super(PoolRules.NOT_A_METADATA_SIZE);
    }
  }
}
