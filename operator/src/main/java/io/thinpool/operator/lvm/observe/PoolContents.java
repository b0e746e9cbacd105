package io.thinpool.operator.lvm.observe;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * What a thin pool holds, read from the kernel and from the pool's own metadata rather than from
 * LVM: containerd's devmapper snapshotter and Docker's devicemapper driver create their thin
 * devices with device-mapper messages, and LVM lists none of them.
 *
 * @param read whether the pool could be read; when not, it is treated as holding data
 * @param unreadableWhy why it could not be read (empty when read)
 * @param transactionId the pool's transaction id: it changes with every thin device created or
 *     deleted
 * @param usedDataBytes data the pool has mapped, from the kernel's status
 * @param openCount openers of the pool's thin-pool device: its active thin devices, LVM's own layer
 *     above it, and any process holding it (a runtime)
 * @param ownLayers openers that are LVM's own stacking of the pool ({@code <pool>} over {@code
 *     <pool>-tpool})
 * @param mapped the thin devices mapped on the pool now (device-mapper tables)
 * @param thinDeviceIds every thin device in the pool's metadata, active or not, by its id
 * @param lvmThinIds the device ids of the thin volumes LVM lists in the pool
 * @param poolUuid LVM's UUID of the pool LV: the consent token names this pool and no other
 */
public record PoolContents(
    boolean read,
    String unreadableWhy,
    long transactionId,
    long usedDataBytes,
    int openCount,
    int ownLayers,
    List<MappedThinDevice> mapped,
    List<Long> thinDeviceIds,
    Set<Long> lvmThinIds,
    String poolUuid) {

  public PoolContents {
    mapped = List.copyOf(mapped);
    thinDeviceIds = List.copyOf(thinDeviceIds);
    lvmThinIds = Set.copyOf(lvmThinIds);
  }

  /**
   * A thin device's device-mapper table on the pool.
   *
   * @param lvm whether LVM made it (its device-mapper UUID starts with {@code LVM-})
   * @param openCount its openers: a mounted filesystem, a running container
   */
  public record MappedThinDevice(String name, boolean lvm, int openCount) {}

  /** A pool that holds nothing: no thin device, no mapped data, no opener but LVM's own. */
  public static PoolContents empty() {
    return new PoolContents(true, "", 0, 0, 0, 0, List.of(), List.of(), Set.of(), "");
  }

  /** A pool whose contents could not be read: it counts as holding data. */
  public static PoolContents unreadable(String why, String poolUuid) {
    return new PoolContents(false, why, 0, 0, 0, 0, List.of(), List.of(), Set.of(), poolUuid);
  }

  /** Whether the pool may hold someone's data: any thin device, any mapped block, or unknown. */
  public boolean holdsData() {
    return !read || !thinDeviceIds.isEmpty() || usedDataBytes > 0;
  }

  /** Openers beyond the pool's thin devices and LVM's layer: a process (a runtime) has it open. */
  public int otherOpeners() {
    return read ? Math.max(0, openCount - ownLayers - mapped.size()) : 0;
  }

  public int activeThinDevices() {
    return mapped.size();
  }

  /** Mapped thin devices something has open: a filesystem mounted on one, a running container. */
  public List<MappedThinDevice> openThinDevices() {
    return mapped.stream().filter(device -> device.openCount() > 0).toList();
  }

  /**
   * Mapped thin devices LVM does not know: their tables are a runtime's, and LVM's removal of the
   * pool cannot take them down.
   */
  public List<MappedThinDevice> foreignMapped() {
    return mapped.stream().filter(device -> !device.lvm()).toList();
  }

  /** Thin devices LVM does not list: a runtime's (containerd, Docker) or anyone's made by hand. */
  public int foreignThinDevices() {
    return (int) thinDeviceIds.stream().filter(id -> !lvmThinIds.contains(id)).count();
  }

  /**
   * The word a user gives to consent to destroying exactly this: the pool (by its LVM UUID) with
   * these contents (by its transaction id and mapped data). Anything created or written in the pool
   * after the consent changes it, so an old consent never destroys newer data.
   */
  public String consentToken() {
    String subject =
        poolUuid
            + "/"
            + transactionId
            + "/"
            + usedDataBytes
            + "/"
            + thinDeviceIds.size()
            + "/"
            + read;
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(subject.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** What it holds, in words for a refusal, a condition or an Event. */
  public String describe() {
    if (!read) {
      return "what it holds cannot be read (" + unreadableWhy + "), so it counts as holding data";
    }
    int foreign = foreignThinDevices();
    return thinDeviceIds.size()
        + " thin device(s)"
        + (foreign > 0 ? " (" + foreign + " not LVM's: a container runtime's or made by hand)" : "")
        + ", "
        + mib(usedDataBytes)
        + " of data mapped"
        + (otherOpeners() > 0 ? ", open by " + otherOpeners() + " process(es)" : ", not open")
        + (openThinDevices().isEmpty()
            ? ""
            : ", thin device(s) in use: "
                + String.join(
                    ", ", openThinDevices().stream().map(MappedThinDevice::name).toList()));
  }

  private static String mib(long bytes) {
    return (bytes / (1024 * 1024)) + " MiB";
  }
}
