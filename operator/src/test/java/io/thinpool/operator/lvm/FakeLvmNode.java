package io.thinpool.operator.lvm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.thinpool.operator.lvm.host.CommandResult;
import io.thinpool.operator.lvm.host.FailureKind;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.lvm.host.HostCommandException;
import io.thinpool.operator.lvm.host.HostCommandRunner;
import io.thinpool.operator.lvm.spec.LvmNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A stateful in-memory model of one node's LVM, for fast reconciler and scale tests: it answers
 * exactly the commands the engine issues, with output in lvm2's and util-linux's formats, so the
 * real observer, planner and engine run unchanged. What it models is checked against the VM
 * (PoolEngineIT); the real-kernel scenarios are never replaced by it.
 */
public final class FakeLvmNode implements HostCommandRunner {

  static final long EXTENT = 4L * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, Long> disks = new LinkedHashMap<>();
  private final Map<String, String> signatures = new LinkedHashMap<>();
  private final Map<String, String> links = new LinkedHashMap<>();
  private final Map<String, String> pvs = new LinkedHashMap<>();
  private final Map<String, Vg> vgs = new LinkedHashMap<>();
  private final Map<String, String> files = new LinkedHashMap<>();
  private final List<String> commands = new ArrayList<>();

  /** The device-mapper event counter of every pool's thin-pool target, by dm name. */
  private final Map<String, Long> deviceMapperEvents = new ConcurrentHashMap<>();

  private static final class Vg {
    final List<String> tags = new ArrayList<>();
    final Map<String, Lv> lvs = new LinkedHashMap<>();
  }

  private static final class Lv {
    long extents;
    String segtype = "linear";
    long chunk;
    boolean zero;
    String profile = "";
    String monitor = "";
    double dataPercent;
    boolean hidden;
    boolean active = true;
    boolean metadataDamaged;

    /** For a pool: the thin devices a runtime made through device-mapper alone, LVM unaware. */
    final List<Long> runtimeDevices = new ArrayList<>();

    /** For a pool: processes (a runtime) that hold it open. */
    int openers;
  }

  /** A node with blank disks of the given size. */
  public FakeLvmNode(long diskBytes, String... devices) {
    for (String device : devices) {
      disks.put(device, diskBytes);
    }
  }

  /** A /dev/disk/by-id style link to one of the disks. */
  public FakeLvmNode withLink(String link, String device) {
    links.put(link, device);
    return this;
  }

  public FakeLvmNode withSignature(String device, String type) {
    signatures.put(device, type);
    return this;
  }

  /** A volume group someone else made on {@code device}: untagged, so never ours. */
  public synchronized FakeLvmNode withForeignVolumeGroup(String name, String device) {
    vgs.put(name, new Vg());
    pvs.put(device, name);
    return this;
  }

  /**
   * Sets the pool's data usage, as filling it with data would, and raises the pool's device-mapper
   * event as the kernel does when usage crosses the low-water mark (callers fill past the
   * threshold).
   */
  public void fill(String volumeGroup, String pool, double dataPercent) {
    synchronized (this) {
      vgs.get(volumeGroup).lvs.get(pool).dataPercent = dataPercent;
    }
    raiseEvent(volumeGroup, pool);
  }

  /**
   * Raises the pool's device-mapper event, as the kernel does at the low-water mark or a resize.
   */
  public void raiseEvent(String volumeGroup, String pool) {
    synchronized (deviceMapperEvents) {
      deviceMapperEvents.merge(LvmNames.dmName(volumeGroup, pool), 1L, Long::sum);
      deviceMapperEvents.notifyAll();
    }
  }

  /**
   * What a container runtime does with a pool it was given: thin devices made with device-mapper
   * messages (LVM lists none), their data mapped, and the pool held open while it runs.
   */
  public synchronized void useAsRuntime(
      String volumeGroup, String pool, int devices, double dataPercent, int openers) {
    Lv lv = vgs.get(volumeGroup).lvs.get(pool);
    for (int i = 0; i < devices; i++) {
      lv.runtimeDevices.add((long) lv.runtimeDevices.size() + 1);
    }
    lv.dataPercent = dataPercent;
    lv.openers = openers;
  }

  /**
   * What an unclean shutdown can leave: the pool inactive, and its metadata failing thin_check at
   * the next activation until {@code lvconvert --repair} runs.
   */
  public synchronized void damageMetadata(String volumeGroup, String pool) {
    Lv lv = vgs.get(volumeGroup).lvs.get(pool);
    lv.active = false;
    lv.monitor = "";
    lv.metadataDamaged = true;
  }

  /** What dmeventd does past the threshold: extend the pool by a percentage, if the VG has room. */
  public synchronized boolean autoextend(String volumeGroup, String pool, int percent) {
    Vg vg = vgs.get(volumeGroup);
    Lv lv = vg.lvs.get(pool);
    long step = (lv.extents * percent + 99) / 100;
    if (step > free(volumeGroup)) {
      return false;
    }
    lv.dataPercent = lv.dataPercent * lv.extents / (lv.extents + step);
    lv.extents += step;
    return true;
  }

  public synchronized List<String> commands() {
    return List.copyOf(commands);
  }

  @Override
  public CommandResult run(HostCommand command) {
    List<String> a = command.argv();
    if (a.size() > 1 && a.get(0).equals("dmsetup") && a.get(1).equals("wait")) {
      return awaitEvent(a.get(a.size() - 2), Long.parseLong(a.get(a.size() - 1)), command);
    }
    return execute(command);
  }

  /** dmsetup wait: blocks, outside the node's lock, until the counter passes {@code seen}. */
  private CommandResult awaitEvent(String name, long seen, HostCommand command) {
    synchronized (this) {
      commands.add(command.display());
    }
    long deadline = System.nanoTime() + command.timeout().toNanos();
    synchronized (deviceMapperEvents) {
      try {
        while (deviceMapperEvents.getOrDefault(name, 0L) <= seen) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return new CommandResult(-9, "", "", true);
          }
          TimeUnit.NANOSECONDS.timedWait(deviceMapperEvents, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HostCommandException(FailureKind.FAILED, "interrupted", e);
      }
    }
    return ok("");
  }

  private synchronized CommandResult execute(HostCommand command) {
    List<String> a = command.argv();
    commands.add(command.display());
    try {
      return ok(execute(a, new String(command.stdin(), StandardCharsets.UTF_8)));
    } catch (IllegalStateException e) {
      return new CommandResult(5, "", "  " + e.getMessage() + "\n", false);
    }
  }

  private String execute(List<String> a, String stdin) {
    String line = String.join(" ", a);
    switch (a.get(0)) {
      case "lvm":
        return fullreport();
      case "lsblk":
        return lsblk();
      case "realpath":
        return a.subList(3, a.size()).stream()
                .map(path -> links.getOrDefault(path, path))
                .collect(java.util.stream.Collectors.joining("\n"))
            + "\n";
      case "wipefs":
        if (a.get(1).equals("--all")) {
          signatures.remove(a.get(3));
          pvs.remove(a.get(3));
          return "";
        }
        return wipefsJson(a.subList(4, a.size()));
      case "dmsetup":
        return dmsetup(a);
      case "thin_ls":
        return thinLs(a.get(a.size() - 1));
      case "cat":
        return require(files.get(a.get(2)), "cat: " + a.get(2) + ": No such file or directory");
      case "mkdir":
        return "";
      case "dd":
        files.put(a.get(1).substring(3), stdin);
        return "";
      case "mv":
        files.put(a.get(4), require(files.remove(a.get(3)), "mv: cannot stat"));
        return "";
      case "rm":
        files.remove(a.get(3));
        return "";
      case "pvcreate":
        check(disks.containsKey(a.get(1)) && !pvs.containsKey(a.get(1)), "Cannot use " + a.get(1));
        pvs.put(a.get(1), "");
        return "";
      case "vgcreate":
        Vg vg = new Vg();
        int name = 1;
        for (; a.get(name).equals("--addtag"); name += 2) {
          vg.tags.add(a.get(name + 1));
        }
        String vgName = a.get(name);
        vgs.put(vgName, vg);
        a.subList(name + 1, a.size()).forEach(d -> pvs.put(d, vgName));
        return "";
      case "vgextend":
        a.subList(2, a.size()).forEach(d -> pvs.put(d, a.get(1)));
        return "";
      case "lvcreate":
        return lvcreate(a);
      case "lvconvert":
        return lvconvert(a);
      case "lvchange":
        return lvchange(a);
      case "lvextend":
        return lvextend(a);
      case "vgremove":
        vgs.remove(a.get(3));
        pvs.replaceAll((d, v) -> v.equals(a.get(3)) ? "" : v);
        return "";
      case "pvremove":
        pvs.remove(a.get(2));
        return "";
      default:
        throw new IllegalStateException("the fake node does not model `" + line + "`");
    }
  }

  private String lvcreate(List<String> a) {
    String name = a.get(a.indexOf("-n") + 1);
    String vgName = a.get(a.indexOf("-n") + 2);
    int percent = Integer.parseInt(a.get(a.indexOf("-l") + 1).replace("%VG", ""));
    long extents = extents(vgName) * percent / 100;
    check(extents <= free(vgName), "Insufficient free space");
    Lv lv = new Lv();
    lv.extents = extents;
    vgs.get(vgName).lvs.put(name, lv);
    return "";
  }

  private String lvconvert(List<String> a) {
    if (a.get(1).equals("--repair")) {
      return repair(a.get(a.size() - 1).split("/"));
    }
    String[] pool = a.get(a.indexOf("--thinpool") + 1).split("/");
    String meta = a.get(a.indexOf("--poolmetadata") + 1).split("/")[1];
    Vg vg = vgs.get(pool[0]);
    Lv data = vg.lvs.get(pool[1]);
    Lv metadata = vg.lvs.remove(meta);
    check(
        metadata.extents <= free(pool[0]),
        "Insufficient free space for the pool's spare metadata LV");
    Lv spare = new Lv();
    spare.extents = metadata.extents;
    spare.hidden = true;
    vg.lvs.put("lvol0_pmspare", spare);
    metadata.hidden = true;
    vg.lvs.put(pool[1] + "_tmeta", metadata);
    data.segtype = "thin-pool";
    data.chunk = Long.parseLong(a.get(a.indexOf("-c") + 1).replace("K", "")) * 1024;
    data.zero = a.get(a.indexOf("--zero") + 1).equals("y");
    data.monitor = "monitored";
    return "";
  }

  /** thin_repair into the spare, swapped in; the damaged metadata kept as the next _meta<N>. */
  private String repair(String[] path) {
    Vg vg = vgs.get(path[0]);
    Lv pool = vg.lvs.get(path[1]);
    check(!pool.active, "Cannot repair active pool " + path[0] + "/" + path[1] + ".");
    int n = 0;
    while (vg.lvs.containsKey(path[1] + "_meta" + n)) {
      n++;
    }
    Lv kept = new Lv();
    kept.extents = vg.lvs.get(path[1] + "_tmeta").extents;
    kept.active = false;
    vg.lvs.put(path[1] + "_meta" + n, kept);
    pool.metadataDamaged = false;
    return "";
  }

  private String lvchange(List<String> a) {
    String[] path = a.get(3).split("/");
    Lv lv = vgs.get(path[0]).lvs.get(path[1]);
    switch (a.get(1)) {
      case "--metadataprofile" -> {
        check(
            files.containsKey(LvmNames.profilePath(a.get(2))),
            "Failed to find profile " + a.get(2));
        lv.profile = a.get(2);
      }
      case "--activate" -> {
        check(
            !lv.metadataDamaged,
            "Check of pool " + a.get(3) + " failed (status:1). Manual repair required!");
        lv.active = true;
        lv.monitor = "monitored";
      }
      case "--monitor" -> lv.monitor = "monitored";
      case "--zero" -> lv.zero = a.get(2).equals("y");
      default -> {}
    }
    return "";
  }

  private String dmsetup(List<String> a) {
    if (a.contains("events")) {
      return eventCounter(a.get(a.size() - 1));
    }
    if (a.get(1).equals("status") && a.contains("thin-pool")) {
      StringBuilder out = new StringBuilder();
      activePools(
          (name, lv) -> {
            long blocks = lv.extents * EXTENT / (512 * 1024);
            long used = Math.round(blocks * lv.dataPercent / 100);
            out.append(
                String.format(
                    "%s: 0 %d thin-pool %d 10/1000 %d/%d - rw discard_passdown queue_if_no_space"
                        + " - 1024%n",
                    name, blocks * 1024, lv.runtimeDevices.size(), used, blocks));
          });
      return out.isEmpty() ? "No devices found\n" : out.toString();
    }
    if (a.get(1).equals("info") && a.contains("name,uuid,major,minor,open")) {
      StringBuilder out = new StringBuilder();
      int[] minor = {0};
      activePools(
          (name, lv) ->
              out.append(name)
                  .append(":LVM-fake-")
                  .append(minor[0])
                  .append(":253:")
                  .append(minor[0]++)
                  .append(':')
                  .append(lv.openers)
                  .append('\n'));
      return out.isEmpty() ? "No devices found\n" : out.toString();
    }
    if (a.get(1).equals("message") || (a.get(1).equals("table") && a.contains("thin"))) {
      return "";
    }
    return "No devices found\n";
  }

  /** thin_ls -o DEV of a pool's metadata: the runtime's devices. */
  private String thinLs(String metadataDevice) {
    StringBuilder out = new StringBuilder();
    activePools(
        (name, lv) -> {
          if (metadataDevice.equals("/dev/mapper/" + name + "_tmeta")) {
            lv.runtimeDevices.forEach(id -> out.append(id).append('\n'));
          }
        });
    return out.toString();
  }

  private void activePools(java.util.function.BiConsumer<String, Lv> each) {
    vgs.forEach(
        (vgName, vg) ->
            vg.lvs.forEach(
                (lvName, lv) -> {
                  if (lv.segtype.equals("thin-pool") && lv.active) {
                    each.accept(LvmNames.dmName(vgName, lvName), lv);
                  }
                }));
  }

  /** dmsetup info -o events of one device: the pool's (the fake has no thin volumes). */
  private String eventCounter(String device) {
    boolean exists =
        vgs.entrySet().stream()
            .anyMatch(
                vg ->
                    vg.getValue().lvs.entrySet().stream()
                        .anyMatch(
                            lv ->
                                lv.getValue().segtype.equals("thin-pool")
                                    && LvmNames.dmName(vg.getKey(), lv.getKey()).equals(device)));
    check(exists, "Device does not exist.");
    return deviceMapperEvents.getOrDefault(device, 0L) + "\n";
  }

  private String lvextend(List<String> a) {
    String[] path = a.get(3).split("/");
    Lv lv = vgs.get(path[0]).lvs.get(path[1]);
    long target = Long.parseLong(a.get(2));
    check(target - lv.extents <= free(path[0]), "Insufficient free space");
    // The blocks in use stay: the same data is a smaller share of a larger pool.
    lv.dataPercent = lv.dataPercent * lv.extents / target;
    lv.extents = target;
    return "";
  }

  private long extents(String vg) {
    return pvs.entrySet().stream()
        .filter(e -> e.getValue().equals(vg))
        .mapToLong(e -> (disks.get(e.getKey()) - 1024 * 1024) / EXTENT)
        .sum();
  }

  private long free(String vg) {
    return extents(vg) - vgs.get(vg).lvs.values().stream().mapToLong(lv -> lv.extents).sum();
  }

  private String fullreport() {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode report = root.putArray("report");
    for (Map.Entry<String, Vg> entry : vgs.entrySet()) {
      String name = entry.getKey();
      ObjectNode item = report.addObject();
      ObjectNode vg = item.putArray("vg").addObject();
      vg.put("vg_name", name)
          .put("vg_size", String.valueOf(extents(name) * EXTENT))
          .put("vg_free", String.valueOf(free(name) * EXTENT))
          .put("vg_extent_size", String.valueOf(EXTENT))
          .put("vg_extent_count", String.valueOf(extents(name)))
          .put("vg_free_count", String.valueOf(free(name)))
          .put("vg_tags", String.join(",", entry.getValue().tags));
      ArrayNode pvList = item.putArray("pv");
      pvs.forEach(
          (d, v) -> {
            if (v.equals(name)) {
              pvList
                  .addObject()
                  .put("pv_name", d)
                  .put("vg_name", v)
                  .put("pv_size", String.valueOf(disks.get(d)))
                  .put("pv_free", "0")
                  .put("pv_mda_used_count", "1");
            }
          });
      ArrayNode lvList = item.putArray("lv");
      ArrayNode segList = item.putArray("seg");
      entry
          .getValue()
          .lvs
          .forEach(
              (lvName, lv) -> {
                if (lv.hidden) {
                  return;
                }
                boolean pool = lv.segtype.equals("thin-pool");
                Lv meta = entry.getValue().lvs.get(lvName + "_tmeta");
                lvList
                    .addObject()
                    .put("lv_name", lvName)
                    .put(
                        "lv_attr",
                        (pool ? "twi-" : "-wi-")
                            + (lv.active ? "a" : "-")
                            + (pool ? "-t---" : "-----"))
                    .put("lv_size", String.valueOf(lv.extents * EXTENT))
                    .put("pool_lv", "")
                    .put(
                        "data_percent",
                        pool && lv.active ? String.format("%.2f", lv.dataPercent) : "")
                    .put("metadata_percent", pool && lv.active ? "10.00" : "")
                    .put(
                        "lv_metadata_size",
                        meta == null ? "" : String.valueOf(meta.extents * EXTENT))
                    .put("lv_profile", lv.profile)
                    .put("lv_active", lv.active ? "active" : "");
                segList
                    .addObject()
                    .put("lv_name", lvName)
                    .put("segtype", lv.segtype)
                    .put("chunk_size", String.valueOf(lv.chunk))
                    .put("zero", lv.zero ? "1" : "0")
                    .put("seg_monitor", lv.monitor);
              });
    }
    ArrayNode orphans = report.addObject().putArray("pv");
    pvs.forEach(
        (d, v) -> {
          if (v.isEmpty()) {
            orphans
                .addObject()
                .put("pv_name", d)
                .put("vg_name", "")
                .put("pv_size", String.valueOf(disks.get(d)))
                .put("pv_free", String.valueOf(disks.get(d)))
                .put("pv_mda_used_count", "1");
          }
        });
    return root.toString();
  }

  private String lsblk() {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode devices = root.putArray("blockdevices");
    disks.forEach(
        (d, size) ->
            devices
                .addObject()
                .put("name", d)
                .put("type", "disk")
                .put("size", size)
                .put("ro", false)
                .putNull("mountpoint"));
    return root.toString();
  }

  private String wipefsJson(List<String> devices) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode found = root.putArray("signatures");
    for (String device : devices) {
      String type = pvs.containsKey(device) ? "LVM2_member" : signatures.get(device);
      if (type != null) {
        found
            .addObject()
            .put("device", device.substring(device.lastIndexOf('/') + 1))
            .put("offset", "0x0")
            .put("type", type);
      }
    }
    return found.isEmpty() ? "" : root.toString();
  }

  private static String require(String value, String error) {
    check(value != null, error);
    return value;
  }

  private static void check(boolean condition, String error) {
    if (!condition) {
      throw new IllegalStateException(error);
    }
  }

  private static CommandResult ok(String stdout) {
    return new CommandResult(0, stdout, "", false);
  }
}
