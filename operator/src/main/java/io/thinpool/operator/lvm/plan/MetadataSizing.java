package io.thinpool.operator.lvm.plan;

import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.rules.PoolRules;
import java.util.List;
import java.util.Optional;

/**
 * How big the pool's metadata LV is made: the spec's absolute size, or its share of the volume
 * group, never more than LVM can use ({@link PoolRules#METADATA_SIZE_MAX_BYTES}). With the
 * runbook's 5% a volume group above 316 GiB would get a metadata LV (and, from lvconvert, a spare
 * of the same size) whose excess is unused; such a request is clamped to the maximum and a note
 * says so.
 *
 * @param sizeArguments lvcreate's size option for the metadata LV
 * @param description the size in words, for the step's reason
 * @param note why the size differs from what the spec asked for, when it does
 */
record MetadataSizing(List<String> sizeArguments, String description, Optional<String> note) {

  private static final long MIB = 1024 * 1024;

  /**
   * @param volumeGroupBytes the volume group's size when the metadata LV is created: as observed,
   *     plus the devices that join it in the same plan
   */
  static MetadataSizing of(PoolSpec spec, long volumeGroupBytes) {
    if (spec.metadataSize().isPresent()) {
      long bytes = spec.metadataSize().getAsLong();
      return new MetadataSizing(
          List.of("-L", bytes + "b"),
          (bytes / MIB) + " MiB, the spec's metadataSize",
          Optional.empty());
    }
    return clampNote(spec, volumeGroupBytes)
        .map(
            note ->
                new MetadataSizing(
                    List.of("-L", PoolRules.METADATA_SIZE_MAX_BYTES + "b"),
                    (PoolRules.METADATA_SIZE_MAX_BYTES / MIB) + " MiB, LVM's maximum",
                    Optional.of(note)))
        .orElseGet(
            () ->
                new MetadataSizing(
                    List.of("-l", spec.metadataPercentOfVg() + "%VG"),
                    spec.metadataPercentOfVg() + "% of the VG",
                    Optional.empty()));
  }

  /**
   * The note for a percentage that asks for more metadata than LVM can use, empty when it does not.
   * It stays true for the pool's life, so it is made again on every plan, not only at creation.
   */
  static Optional<String> clampNote(PoolSpec spec, long volumeGroupBytes) {
    long requested = divideRoundingUp(volumeGroupBytes * spec.metadataPercentOfVg(), 100);
    if (spec.metadataSize().isPresent() || requested <= PoolRules.METADATA_SIZE_MAX_BYTES) {
      return Optional.empty();
    }
    return Optional.of(
        "metadataPercentOfVg: "
            + spec.metadataPercentOfVg()
            + "% of volume group "
            + spec.volumeGroup()
            + " is "
            + (requested / MIB)
            + " MiB, more than LVM can use: the metadata LV is limited to "
            + (PoolRules.METADATA_SIZE_MAX_BYTES / MIB)
            + " MiB (15.81 GiB, LVM's maximum)");
  }

  private static long divideRoundingUp(long value, long divisor) {
    return (value + divisor - 1) / divisor;
  }
}
