package io.thinpool.operator.lvm.plan;

import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.observe.HostState.BlockDevice;
import io.thinpool.operator.lvm.observe.HostState.DmDevice;
import io.thinpool.operator.lvm.observe.HostState.PhysicalVolume;
import io.thinpool.operator.lvm.observe.HostState.Signature;
import io.thinpool.operator.lvm.plan.Plan.ExcludedDevice;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which of the spec's devices may join the volume group and how, and which may not and why (the
 * reason names the device and what is on it). Members of the volume group are in neither list.
 */
final class DeviceSelection {

  /** A device that joins the volume group: wiped first when the spec allows destroying data. */
  record Candidate(String path, boolean wipe, boolean pvcreate) {}

  private final List<Candidate> candidates = new ArrayList<>();
  private final List<ExcludedDevice> excluded = new ArrayList<>();

  private DeviceSelection() {}

  /**
   * @param leftovers this pool's device-mapper leftovers: a device they hold is not in use
   */
  static DeviceSelection of(PoolSpec spec, HostState state, List<DmDevice> leftovers) {
    DeviceSelection selection = new DeviceSelection();
    for (String device : spec.devices()) {
      selection.classify(spec, state, device, leftovers);
    }
    return selection;
  }

  List<Candidate> candidates() {
    return List.copyOf(candidates);
  }

  List<ExcludedDevice> excluded() {
    return List.copyOf(excluded);
  }

  /** The kernel paths of the devices that join the volume group. */
  List<String> joining() {
    return candidates.stream().map(Candidate::path).toList();
  }

  /** Every exclusion's reason, for a refusal when no device is left. */
  String reasons() {
    return excluded.stream().map(ExcludedDevice::reason).collect(Collectors.joining("; "));
  }

  private void classify(PoolSpec spec, HostState state, String device, List<DmDevice> leftovers) {
    String path = state.canonical(device);
    Optional<PhysicalVolume> pv = state.physicalVolume(path);
    if (pv.isPresent() && pv.get().volumeGroup().equals(spec.volumeGroup())) {
      return; // already a member
    }
    String named = path.equals(device) ? device : device + " (" + path + ")";
    Optional<BlockDevice> block = state.blockDevice(path);
    if (block.isEmpty()) {
      excluded.add(new ExcludedDevice(device, named + " does not exist on this node"));
      return;
    }
    if (block.get().readOnly()) {
      excluded.add(new ExcludedDevice(device, named + " is read-only"));
      return;
    }
    if (!block.get().mountpoint().isEmpty()) {
      excluded.add(
          new ExcludedDevice(device, named + " is mounted at " + block.get().mountpoint()));
      return;
    }
    List<String> users = users(block.get(), leftovers);
    if (!users.isEmpty()) {
      excluded.add(new ExcludedDevice(device, named + " is in use by " + String.join(", ", users)));
      return;
    }
    if (pv.isPresent() && pv.get().orphan() && !pv.get().mayBelongToAMissingVolumeGroup()) {
      // pvcreate's label (the runbook's first step, or ours before a crash): its metadata area
      // would name a volume group if it had one.
      candidates.add(new Candidate(path, false, false));
      return;
    }
    String existing =
        pv.map(DeviceSelection::describe).orElseGet(() -> describe(state.signaturesOf(path)));
    if (existing.isEmpty()) {
      candidates.add(new Candidate(path, false, true));
    } else if (spec.destroyExistingData()) {
      candidates.add(new Candidate(path, true, true));
    } else {
      excluded.add(
          new ExcludedDevice(
              device,
              named
                  + " holds existing data ("
                  + existing
                  + "); set destroyExistingData to wipe it"));
    }
  }

  /**
   * Holders of a device that mean it is in use; unmounted partitions only mean a partition table.
   */
  private static List<String> users(BlockDevice device, List<DmDevice> leftovers) {
    List<String> users = new ArrayList<>();
    for (BlockDevice child : device.children()) {
      boolean idlePartition =
          child.type().equals("part")
              && child.mountpoint().isEmpty()
              && users(child, leftovers).isEmpty();
      boolean ourLeftover =
          leftovers.stream().anyMatch(dm -> child.path().equals("/dev/mapper/" + dm.name()));
      if (!idlePartition && !ourLeftover) {
        users.add(
            child.path()
                + (child.mountpoint().isEmpty() ? "" : " mounted at " + child.mountpoint()));
      }
    }
    return users;
  }

  private static String describe(PhysicalVolume pv) {
    return pv.mayBelongToAMissingVolumeGroup()
        ? "it is an LVM physical volume that no volume group on this node names: its volume"
            + " group's metadata may be on a missing disk"
        : "it is a physical volume of volume group "
            + pv.volumeGroup()
            + ", which thinpool-operator does not own";
  }

  private static String describe(List<Signature> signatures) {
    return signatures.stream()
        .map(s -> s.type() + " signature at offset " + s.offset())
        .collect(Collectors.joining(", "));
  }
}
