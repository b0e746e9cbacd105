package io.thinpool.operator.lvm.observe;

import io.thinpool.operator.lvm.host.CommandResult;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.lvm.host.HostCommandRunner;
import io.thinpool.operator.lvm.observe.HostState.LogicalVolume;
import io.thinpool.operator.lvm.observe.HostState.VolumeGroup;
import io.thinpool.operator.lvm.spec.LvmNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads what an active pool holds, LVM's thin volumes or not: the kernel's status of the thin-pool
 * target (transaction id, mapped data, a metadata snapshot someone holds), the device-mapper tables
 * of the thin devices mapped on it, its openers, and every thin device in its metadata ({@code
 * thin_ls} on a metadata snapshot, which is safe on a live pool: the kernel keeps the snapshot
 * consistent until it is released).
 */
final class PoolContentsProbe {

  private final HostCommandRunner runner;

  PoolContentsProbe(HostCommandRunner runner) {
    this.runner = runner;
  }

  PoolContents read(VolumeGroup vg, LogicalVolume pool) {
    Set<Long> lvmThinIds =
        vg.logicalVolumes().stream()
            .filter(lv -> lv.poolLv().equals(pool.name()) && lv.thinId() != null)
            .map(LogicalVolume::thinId)
            .collect(Collectors.toSet());
    if (!pool.active()) {
      return PoolContents.unreadable(
          "the pool is not active, so neither the kernel nor its metadata can be asked",
          pool.uuid());
    }
    String dmName = LvmNames.dmName(vg.name(), pool.name());
    Optional<PoolStatusLine> status = thinPoolStatus(dmName);
    if (status.isEmpty()) {
      return PoolContents.unreadable(
          "device-mapper has no thin-pool target for " + dmName, pool.uuid());
    }
    PoolStatusLine target = status.get();
    if (target.failed()) {
      return PoolContents.unreadable(
          "device-mapper reports the pool as failed: " + target.text(), pool.uuid());
    }
    if (target.metadataSnapshotHeld()) {
      return PoolContents.unreadable(
          "a metadata snapshot of the pool is already held (by thin_delta, a backup tool, or an"
              + " interrupted read); release it with `dmsetup message "
              + target.name()
              + " 0 release_metadata_snap` once no tool uses it",
          pool.uuid());
    }
    Openers openers;
    List<Long> devices;
    try {
      openers = openers(target.name());
      devices = thinDevicesInMetadata(vg, pool, target.name());
    } catch (IllegalStateException e) {
      return PoolContents.unreadable(e.getMessage(), pool.uuid());
    }
    return new PoolContents(
        true,
        "",
        target.transactionId(),
        target.usedDataBlocks() * pool.chunkSizeBytes(),
        openers.open(),
        target.name().equals(dmName) ? 0 : 1,
        openers.mapped(),
        devices,
        lvmThinIds,
        pool.uuid());
  }

  /**
   * One thin-pool target's status line. LVM stacks the pool's own name on a {@code -tpool} layer
   * once it has thin volumes, so the target is the one of those two names that is a thin-pool.
   */
  private Optional<PoolStatusLine> thinPoolStatus(String dmName) {
    String out =
        runner.runChecked(HostCommand.of("dmsetup", "status", "--target", "thin-pool")).strip();
    PoolStatusLine found = null;
    for (String line : out.lines().toList()) {
      int colon = line.indexOf(": ");
      if (colon < 0) {
        continue; // "No devices found"
      }
      String name = line.substring(0, colon);
      if (name.equals(dmName + "-tpool") || (name.equals(dmName) && found == null)) {
        found = new PoolStatusLine(name, line.substring(colon + 2).strip());
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * {@code <start> <length> thin-pool <transaction> <meta used/total> <data used/total> <held>}.
   */
  private record PoolStatusLine(String name, String text) {
    private String[] fields() {
      return text.split("\\s+");
    }

    boolean failed() {
      String[] fields = fields();
      return fields.length < 7 || !fields[5].contains("/");
    }

    long transactionId() {
      return Long.parseLong(fields()[3]);
    }

    long usedDataBlocks() {
      return Long.parseLong(fields()[5].substring(0, fields()[5].indexOf('/')));
    }

    boolean metadataSnapshotHeld() {
      return !"-".equals(fields()[6]);
    }
  }

  private record Openers(int open, List<PoolContents.MappedThinDevice> mapped) {}

  /** The target's open count and the thin devices whose tables point at it, with theirs. */
  private Openers openers(String target) {
    Map<String, DeviceMapperInfo.Entry> devices = new LinkedHashMap<>();
    for (DeviceMapperInfo.Entry device : DeviceMapperInfo.list(runner)) {
      devices.put(device.name(), device);
    }
    DeviceMapperInfo.Entry pool = devices.get(target);
    if (pool == null) {
      throw new IllegalStateException("dmsetup info does not list " + target);
    }
    String tables = runner.runChecked(HostCommand.of("dmsetup", "table", "--target", "thin"));
    List<PoolContents.MappedThinDevice> mapped = new ArrayList<>();
    for (String line : tables.lines().toList()) {
      // "<name>: <start> <length> thin <pool major:minor> <device id> [<origin>]"
      int colon = line.lastIndexOf(": 0 ");
      String[] table = colon < 0 ? new String[0] : line.substring(colon + 2).strip().split("\\s+");
      if (table.length >= 5 && table[2].equals("thin") && table[3].equals(pool.majorMinor())) {
        DeviceMapperInfo.Entry thin = devices.get(line.substring(0, colon));
        if (thin != null) {
          mapped.add(
              new PoolContents.MappedThinDevice(
                  thin.name(), thin.uuid().startsWith("LVM-"), thin.open()));
        }
      }
    }
    return new Openers(pool.open(), mapped);
  }

  /**
   * The id of every thin device in the pool's metadata, read from a metadata snapshot that is
   * released again whatever happens. Only the ids: thin_ls would walk every mapping of every device
   * to add up what each maps, and the kernel's status already says what the pool maps.
   *
   * @throws IllegalStateException when the snapshot cannot be taken or read: the caller reports the
   *     pool as unreadable
   */
  private List<Long> thinDevicesInMetadata(VolumeGroup vg, LogicalVolume pool, String target) {
    CommandResult reserve =
        runner.run(HostCommand.of("dmsetup", "message", target, "0", "reserve_metadata_snap"));
    if (!reserve.succeeded()) {
      throw new IllegalStateException(
          "the pool refused a metadata snapshot: " + reserve.stderr().strip());
    }
    try {
      CommandResult listed =
          runner.run(
              HostCommand.of(
                  "thin_ls",
                  "--metadata-snap",
                  "--no-headers",
                  "-o",
                  "DEV",
                  LvmNames.devicePath(vg.name(), pool.name() + "_tmeta")));
      if (!listed.succeeded()) {
        throw new IllegalStateException(
            "thin_ls could not read the pool's metadata: " + listed.stderr().strip());
      }
      List<Long> devices = new ArrayList<>();
      for (String line : listed.stdout().lines().map(String::strip).toList()) {
        if (line.isEmpty()) {
          continue;
        }
        try {
          devices.add(Long.parseLong(line));
        } catch (NumberFormatException e) {
          throw new IllegalStateException("thin_ls printed a line it should not: `" + line + "`");
        }
      }
      return devices;
    } finally {
      runner.run(HostCommand.of("dmsetup", "message", target, "0", "release_metadata_snap"));
    }
  }
}
