package io.thinpool.operator.lvm;

import io.thinpool.operator.lvm.host.HostCommand;
import java.util.List;

/**
 * The origin document's commands up to the thin pool, as an admin types them (test scaffolding).
 */
public final class RunbookByHand {

  private RunbookByHand() {}

  /** pvcreate, vgcreate, the data and metadata LVs at these shares of the VG, the lvconvert. */
  public static List<HostCommand> toThePool(
      String disk, String volumeGroup, String pool, int dataPercent, int metadataPercent) {
    String metadata = pool + "meta";
    return List.of(
        HostCommand.of("pvcreate", disk),
        HostCommand.of("vgcreate", volumeGroup, disk),
        HostCommand.of(
            "lvcreate",
            "--wipesignatures",
            "y",
            "-n",
            pool,
            volumeGroup,
            "-l",
            dataPercent + "%VG"),
        HostCommand.of(
            "lvcreate",
            "--wipesignatures",
            "y",
            "-n",
            metadata,
            volumeGroup,
            "-l",
            metadataPercent + "%VG"),
        HostCommand.of(
            "lvconvert",
            "-y",
            "--zero",
            "n",
            "-c",
            "512K",
            "--thinpool",
            volumeGroup + "/" + pool,
            "--poolmetadata",
            volumeGroup + "/" + metadata));
  }
}
