package io.thinpool.operator.lvm.plan;

import io.thinpool.operator.lvm.observe.HostState;
import io.thinpool.operator.lvm.observe.HostState.DmDevice;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * device-mapper entries named like this pool's parts while LVM has no such pool: what a failed
 * removal or a restored VG backup leaves behind. Both the build and the teardown remove them, and
 * both refuse while something still holds one open. Only LVM's own tables count (their UUID says
 * so): a table someone else made under such a name is never removed.
 */
final class Leftovers {

  /** The prefix of the device-mapper UUID LVM gives every table it makes. */
  static final String LVM_UUID_PREFIX = "LVM-";

  private Leftovers() {}

  /** This pool's leftovers on the node, top-down: the order they can be removed in. */
  static List<DmDevice> of(PoolSpec spec, HostState state) {
    return named(spec, state).stream().filter(Leftovers::lvms).toList();
  }

  /**
   * Why the pool cannot be made: a device-mapper table LVM did not make holds a name its LVs need.
   */
  static Optional<String> nameTaken(PoolSpec spec, HostState state) {
    return named(spec, state).stream()
        .filter(dm -> !lvms(dm))
        .findFirst()
        .map(
            dm ->
                "device-mapper entry "
                    + dm.name()
                    + " has a name this pool's volumes need but was not made by LVM (UUID '"
                    + dm.uuid()
                    + "'): thinpool-operator never removes it. Remove it if nothing uses it, or"
                    + " choose another volumeGroup or poolName");
  }

  private static boolean lvms(DmDevice dm) {
    return dm.uuid().startsWith(LVM_UUID_PREFIX);
  }

  /** Tables named like this pool's parts, whoever made them, top-down. */
  private static List<DmDevice> named(PoolSpec spec, HostState state) {
    String pool = spec.poolName();
    List<String> names =
        LvmNames.dmTables(
            spec.volumeGroup(), List.of(pool, pool + "_tmeta", pool + "_tdata"), pool);
    List<DmDevice> found = new ArrayList<>();
    for (String name : names) {
      state.dmDevices().stream()
          .filter(dm -> dm.name().equals(name))
          .findFirst()
          .ifPresent(found::add);
    }
    return found;
  }

  /**
   * Why the leftovers cannot be removed, if one is open besides by the others. The pool device (the
   * top name, or "-tpool" under a linear top) is opened only by the top; the metadata and data
   * layers only by the pool device.
   */
  static Optional<String> busy(List<DmDevice> leftovers) {
    for (DmDevice dm : leftovers) {
      int expected;
      if (dm == leftovers.get(0)) {
        expected = 0;
      } else if (dm.name().endsWith("-tpool")) {
        expected = 1;
      } else {
        expected =
            leftovers.get(0).name().endsWith("_tmeta") || leftovers.get(0).name().endsWith("_tdata")
                ? 0
                : 1;
      }
      if (dm.openCount() > expected) {
        return Optional.of(
            "device-mapper entry "
                + dm.name()
                + " is left over from an earlier pool but is still open ("
                + dm.openCount()
                + " openers); stop what uses it (e.g. the container runtime) first");
      }
    }
    return Optional.empty();
  }

  /** The steps that remove the leftovers, in order; {@code why} says what each is in the plan. */
  static List<Step> removal(List<DmDevice> leftovers, String why) {
    return leftovers.stream()
        .map(
            leftover ->
                Step.of(
                    Step.Intent.REMOVE_LEFTOVER,
                    "device-mapper entry " + leftover.name() + " " + why,
                    "dmsetup",
                    "remove",
                    leftover.name()))
        .toList();
  }
}
