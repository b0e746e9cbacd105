package io.thinpool.operator.lvm.observe;

import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.lvm.host.HostCommandRunner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Every device-mapper device on the node, from one {@code dmsetup info} in columns. */
final class DeviceMapperInfo {

  /**
   * One device.
   *
   * @param uuid device-mapper's UUID: {@code LVM-...} for LVM's, empty or a runtime's own otherwise
   * @param majorMinor what other tables refer to it by, e.g. {@code 253:2}
   * @param open how many openers it has: tables stacked on it, mounts, processes
   */
  record Entry(String name, String uuid, String majorMinor, int open) {}

  private DeviceMapperInfo() {}

  static List<Entry> list(HostCommandRunner runner) {
    String out =
        runner.runChecked(
            HostCommand.of(
                "dmsetup",
                "info",
                "-c",
                "--noheadings",
                "--separator",
                ":",
                "-o",
                "name,uuid,major,minor,open"));
    List<Entry> devices = new ArrayList<>();
    for (String line : out.lines().map(String::strip).toList()) {
      String[] fields = line.split(":");
      if (fields.length < 5) {
        continue; // "No devices found"
      }
      // Names cannot contain ':' when LVM made them, but a foreign table's could: parse from the
      // right.
      int n = fields.length;
      devices.add(
          new Entry(
              String.join(":", Arrays.copyOf(fields, n - 4)),
              fields[n - 4],
              fields[n - 3].strip() + ":" + fields[n - 2].strip(),
              Integer.parseInt(fields[n - 1].strip())));
    }
    return devices;
  }
}
