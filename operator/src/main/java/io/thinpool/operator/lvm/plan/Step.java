package io.thinpool.operator.lvm.plan;

import io.thinpool.operator.lvm.host.HostCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * One planned host command, what it achieves and why it is needed; {@code stdin} carries file
 * content for the shell-free file writes. Whoever reacts to executed steps (Events, the extension
 * count) reads the intent, never the command line.
 */
public record Step(Intent intent, List<String> argv, String stdin, String why) {

  /** What a step achieves on the node. */
  public enum Intent {
    /** dmsetup remove: a device-mapper table of an earlier pool that LVM no longer knows. */
    REMOVE_LEFTOVER,
    WIPE_DEVICE,
    CREATE_PHYSICAL_VOLUME,
    CREATE_VOLUME_GROUP,
    EXTEND_VOLUME_GROUP,
    /**
     * vgchange of the owner's tags on a volume group made without us, or for another config on this
     * node, that matches the spec: adoption.
     */
    ADOPT_VOLUME_GROUP,
    /** vgchange --addtag of the owner on a volume group an earlier version made (no owner yet). */
    RECORD_OWNER,
    ACTIVATE_POOL,
    SET_ZEROING,
    /** lvextend of the pool to the spec's share of the volume group. */
    GROW_POOL,
    /** lvextend of a pool that is out of data space, before the kernel fails its queued writes. */
    RESCUE_FULL_POOL,
    /** lvextend --use-policies of an unmonitored pool past its threshold: dmeventd's job. */
    AUTOEXTEND_BY_AGENT,
    CREATE_DATA_VOLUME,
    CREATE_METADATA_VOLUME,
    /** lvconvert of the data and metadata volumes into a thin pool: the pool is created. */
    CONVERT_TO_POOL,
    /** The autoextend profile's shell-free write: its directory, a temporary copy, the rename. */
    MAKE_PROFILE_DIRECTORY,
    WRITE_PROFILE_COPY,
    PUT_PROFILE_IN_PLACE,
    ATTACH_PROFILE,
    ENABLE_MONITORING,
    /**
     * dmsetup remove of a runtime's thin device that is mapped on the pool but open by nothing,
     * before the pool goes: only with the user's consent to destroy what the pool holds.
     */
    UNMAP_RUNTIME_DEVICE,
    REMOVE_VOLUME_GROUP,
    REMOVE_PHYSICAL_VOLUME,
    REMOVE_PROFILE,
    /** Recovery of a pool that cannot be removed: back up, edit and restore the VG's metadata. */
    MAKE_BACKUP_DIRECTORY,
    /** lvchange --activate n of the pool and its volumes, best effort: a stuck pool may refuse. */
    DEACTIVATE_FOR_RECOVERY,
    BACK_UP_METADATA,
    WRITE_METADATA_WITHOUT_POOL,
    RESTORE_METADATA_WITHOUT_POOL,
    /**
     * lvconvert --repair of a pool whose metadata failed its check: only on the user's explicit
     * request; LVM keeps the damaged metadata as {@code <pool>_meta<N>}.
     */
    REPAIR_METADATA;

    /** Whether the step sets the pool's size: a change in size after it is the agent's doing. */
    public boolean setsPoolSize() {
      return this == GROW_POOL
          || this == RESCUE_FULL_POOL
          || this == AUTOEXTEND_BY_AGENT
          || this == CONVERT_TO_POOL;
    }
  }

  public Step {
    argv = List.copyOf(argv);
    stdin = stdin == null ? "" : stdin;
  }

  public static Step of(Intent intent, String why, String... argv) {
    return new Step(intent, List.of(argv), "", why);
  }

  public HostCommand command(Duration timeout) {
    return new HostCommand(argv, stdin.getBytes(StandardCharsets.UTF_8), timeout);
  }

  @Override
  public String toString() {
    return String.join(" ", argv) + "  # " + why;
  }
}
