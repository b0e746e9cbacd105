package io.thinpool.operator.lvm;

import io.thinpool.operator.lvm.observe.PoolContents;

/**
 * What a pool holds and who uses it, for the status, the engine's JSON and the metrics: every thin
 * device in the pool's metadata, LVM's volumes and a container runtime's alike.
 *
 * @param readable whether the pool could be read; an unreadable pool counts as holding data
 * @param unreadableReason why not (empty when readable)
 * @param thinDevices thin devices in the pool's metadata
 * @param foreignThinDevices of those, the ones LVM does not list (a runtime's or made by hand)
 * @param activeThinDevices thin devices mapped on the pool now
 * @param mappedBytes data the thin devices map
 * @param openers processes (not thin devices, not LVM) that hold the pool open
 * @param holdsData whether a teardown needs consent
 */
public record PoolUse(
    boolean readable,
    String unreadableReason,
    int thinDevices,
    int foreignThinDevices,
    int activeThinDevices,
    long mappedBytes,
    int openers,
    boolean holdsData) {

  static PoolUse of(PoolContents contents) {
    return new PoolUse(
        contents.read(),
        contents.unreadableWhy(),
        contents.thinDeviceIds().size(),
        contents.foreignThinDevices(),
        contents.activeThinDevices(),
        contents.read() ? contents.usedDataBytes() : 0,
        contents.otherOpeners(),
        contents.holdsData());
  }
}
