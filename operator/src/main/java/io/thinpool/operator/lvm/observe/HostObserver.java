package io.thinpool.operator.lvm.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.thinpool.operator.lvm.host.CommandResult;
import io.thinpool.operator.lvm.host.FailureKind;
import io.thinpool.operator.lvm.host.HostCommand;
import io.thinpool.operator.lvm.host.HostCommandException;
import io.thinpool.operator.lvm.host.HostCommandRunner;
import io.thinpool.operator.lvm.observe.HostState.BlockDevice;
import io.thinpool.operator.lvm.observe.HostState.DmDevice;
import io.thinpool.operator.lvm.observe.HostState.LogicalVolume;
import io.thinpool.operator.lvm.observe.HostState.PhysicalVolume;
import io.thinpool.operator.lvm.observe.HostState.Signature;
import io.thinpool.operator.lvm.observe.HostState.VolumeGroup;
import io.thinpool.operator.lvm.spec.LvmNames;
import io.thinpool.operator.lvm.spec.PoolSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Observes a node in as few commands as the spec allows. One {@code lvm fullreport} always; the
 * other probes only when the plan could need them: device paths that are not yet PVs of the VG
 * (lsblk, wipefs, and realpath for /dev/disk/by-* links), device-mapper leftovers only when the
 * pool LV is missing, what the pool holds beyond LVM's view ({@link PoolContentsProbe}), and the
 * autoextend profile's content. A steady-state pool costs one LVM call, six device-mapper and
 * thin-provisioning reads and one {@code cat}.
 */
public final class HostObserver {

  static final List<String> FULLREPORT =
      List.of(
          "lvm",
          "fullreport",
          "--reportformat",
          "json",
          "--units",
          "b",
          "--nosuffix",
          "--binary",
          "--configreport",
          "vg",
          "-o",
          "vg_name,vg_size,vg_free,vg_extent_size,vg_extent_count,vg_free_count,vg_tags",
          "--configreport",
          "pv",
          "-o",
          "pv_name,vg_name,pv_size,pv_free,pv_mda_used_count,pv_uuid",
          "--configreport",
          "lv",
          "-o",
          "lv_name,lv_attr,lv_size,pool_lv,data_percent,metadata_percent,lv_metadata_size,lv_profile,lv_active,lv_uuid",
          "--configreport",
          "seg",
          "-o",
          "lv_name,segtype,chunk_size,zero,seg_monitor,thin_id",
          "--configreport",
          "pvseg",
          "-o",
          "pv_name");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HostCommandRunner runner;

  public HostObserver(HostCommandRunner runner) {
    this.runner = runner;
  }

  /**
   * One observation for the spec.
   *
   * @throws HostCommandException when a probe fails or prints what cannot be read
   */
  public HostState observe(PoolSpec spec) {
    try {
      return probe(spec);
    } catch (IllegalStateException | NumberFormatException e) {
      throw new HostCommandException(
          FailureKind.FAILED, "unreadable host output: " + e.getMessage(), e);
    }
  }

  private HostState probe(PoolSpec spec) {
    LvmReport report = parseFullReport(runner.runChecked(HostCommand.of(FULLREPORT)));
    Optional<VolumeGroup> vg =
        report.volumeGroups.stream().filter(g -> g.name().equals(spec.volumeGroup())).findFirst();

    List<String> unknown =
        spec.devices().stream().filter(d -> !memberOf(report, d, spec.volumeGroup())).toList();
    Map<String, String> resolved = Map.of();
    List<BlockDevice> blockDevices = List.of();
    Map<String, List<Signature>> signatures = Map.of();
    if (!unknown.isEmpty()) {
      blockDevices = listBlockDevices();
      Set<String> kernelNames =
          blockDevices.stream()
              .flatMap(BlockDevice::withDescendants)
              .map(BlockDevice::path)
              .collect(Collectors.toSet());
      List<String> links = unknown.stream().filter(d -> !kernelNames.contains(d)).toList();
      Map<String, String> linkTargets = links.isEmpty() ? Map.of() : resolve(links);
      List<String> present =
          unknown.stream()
              .map(d -> linkTargets.getOrDefault(d, d))
              .filter(kernelNames::contains)
              .filter(path -> !memberOf(report, path, spec.volumeGroup()))
              .distinct()
              .toList();
      signatures = present.isEmpty() ? Map.of() : probeSignatures(present);
      resolved = byIdentity(unknown, linkTargets, signatures, report);
    }

    Optional<LogicalVolume> poolLv = vg.flatMap(g -> g.logicalVolume(spec.poolName()));
    boolean poolKnown = poolLv.isPresent();
    boolean poolExists = poolLv.filter(LogicalVolume::thinPool).isPresent();
    PoolContents contents =
        poolExists
            ? new PoolContentsProbe(runner).read(vg.get(), poolLv.get())
            : PoolContents.empty();
    ContainerdUse containerd =
        poolExists
            ? new ContainerdProbe(runner).read(LvmNames.dmName(spec.volumeGroup(), spec.poolName()))
            : ContainerdUse.NONE;
    List<DmDevice> dm = poolKnown ? List.of() : listDmDevices();

    Map<String, String> profiles = new HashMap<>();
    String profile = spec.autoextend().profile();
    CommandResult cat = runner.run(HostCommand.of("cat", "--", LvmNames.profilePath(profile)));
    if (cat.succeeded()) {
      profiles.put(profile, cat.stdout());
    }
    return new HostState(
        report.volumeGroups,
        report.physicalVolumes,
        resolved,
        blockDevices,
        signatures,
        dm,
        profiles,
        contents,
        containerd);
  }

  /**
   * Each listed device's name as the observation knows it: its link target, or, when its LVM label
   * is a PV that LVM lists under another name (a /dev/mapper name for a dm-N, say), that PV's name.
   * A device is the same PV by its UUID, whatever path names it.
   */
  private static Map<String, String> byIdentity(
      List<String> devices,
      Map<String, String> linkTargets,
      Map<String, List<Signature>> signatures,
      LvmReport report) {
    Map<String, String> resolved = new LinkedHashMap<>(linkTargets);
    for (String device : devices) {
      String path = linkTargets.getOrDefault(device, device);
      signatures.getOrDefault(path, List.of()).stream()
          .filter(Signature::lvmLabel)
          .flatMap(
              label ->
                  report.physicalVolumes.stream()
                      .filter(pv -> !pv.uuid().isEmpty() && pv.uuid().equals(label.uuid())))
          .findFirst()
          .filter(pv -> !pv.name().equals(path))
          .ifPresent(pv -> resolved.put(device, pv.name()));
    }
    return resolved;
  }

  private static boolean memberOf(LvmReport report, String device, String volumeGroup) {
    return report.physicalVolumes.stream()
        .anyMatch(pv -> pv.name().equals(device) && pv.volumeGroup().equals(volumeGroup));
  }

  /** The paths with every link followed (kernel names stay as they are), in order. */
  public List<String> realPaths(List<String> devices) {
    List<String> argv = new ArrayList<>(List.of("realpath", "-m", "--"));
    argv.addAll(devices);
    return runner.runChecked(HostCommand.of(argv)).lines().toList();
  }

  /** Follows /dev/disk/by-* links; paths that already are kernel names resolve to themselves. */
  private Map<String, String> resolve(List<String> devices) {
    List<String> lines = realPaths(devices);
    Map<String, String> resolved = new LinkedHashMap<>();
    for (int i = 0; i < devices.size() && i < lines.size(); i++) {
      if (!devices.get(i).equals(lines.get(i))) {
        resolved.put(devices.get(i), lines.get(i));
      }
    }
    return resolved;
  }

  private List<BlockDevice> listBlockDevices() {
    String out =
        runner.runChecked(
            HostCommand.of(
                "lsblk",
                "--json",
                "--bytes",
                "--paths",
                "--output",
                "NAME,TYPE,SIZE,RO,MOUNTPOINT"));
    List<BlockDevice> devices = new ArrayList<>();
    for (JsonNode node : read(out).path("blockdevices")) {
      devices.add(blockDevice(node));
    }
    return devices;
  }

  private static BlockDevice blockDevice(JsonNode node) {
    List<BlockDevice> children = new ArrayList<>();
    for (JsonNode child : node.path("children")) {
      children.add(blockDevice(child));
    }
    JsonNode ro = node.path("ro");
    boolean readOnly = ro.isBoolean() ? ro.asBoolean() : "1".equals(ro.asText());
    String mountpoint = node.path("mountpoint").isNull() ? "" : node.path("mountpoint").asText("");
    return new BlockDevice(
        node.path("name").asText(),
        node.path("type").asText(),
        node.path("size").asLong(),
        readOnly,
        mountpoint,
        children);
  }

  /** wipefs --no-act names devices by their basename; map them back to the paths we asked for. */
  private Map<String, List<Signature>> probeSignatures(List<String> devices) {
    List<String> argv = new ArrayList<>(List.of("wipefs", "--no-act", "--json", "--"));
    argv.addAll(devices);
    String out = runner.runChecked(HostCommand.of(argv));
    Map<String, List<Signature>> signatures = new HashMap<>();
    if (out.isBlank()) {
      return signatures;
    }
    for (JsonNode node : read(out).path("signatures")) {
      String name = node.path("device").asText();
      String path =
          devices.stream()
              .filter(d -> d.equals(name) || d.endsWith("/" + name))
              .findFirst()
              .orElse(name);
      signatures
          .computeIfAbsent(path, p -> new ArrayList<>())
          .add(
              new Signature(
                  node.path("type").asText(),
                  node.path("offset").asText(),
                  node.path("uuid").asText("")));
    }
    return signatures;
  }

  /** Every device-mapper table on the node with its openers, whoever made it. */
  public List<DmDevice> deviceMapperTables() {
    return listDmDevices();
  }

  private List<DmDevice> listDmDevices() {
    return DeviceMapperInfo.list(runner).stream()
        .map(device -> new DmDevice(device.name(), device.uuid(), device.open()))
        .toList();
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "unreadable JSON from a host command: " + e.getOriginalMessage(), e);
    }
  }

  /** The parts of {@code lvm fullreport} the planner needs. */
  record LvmReport(List<VolumeGroup> volumeGroups, List<PhysicalVolume> physicalVolumes) {}

  static LvmReport parseFullReport(String json) {
    List<VolumeGroup> groups = new ArrayList<>();
    List<PhysicalVolume> pvs = new ArrayList<>();
    for (JsonNode entry : read(json).path("report")) {
      for (JsonNode pv : entry.path("pv")) {
        pvs.add(
            new PhysicalVolume(
                pv.path("pv_name").asText(),
                pv.path("vg_name").asText(),
                pv.path("pv_size").asLong(),
                pv.path("pv_free").asLong(),
                pv.path("pv_mda_used_count").asInt(),
                pv.path("pv_uuid").asText("")));
      }
      for (JsonNode vg : entry.path("vg")) {
        groups.add(
            new VolumeGroup(
                vg.path("vg_name").asText(),
                vg.path("vg_size").asLong(),
                vg.path("vg_free").asLong(),
                vg.path("vg_extent_size").asLong(),
                vg.path("vg_extent_count").asLong(),
                vg.path("vg_free_count").asLong(),
                splitTags(vg.path("vg_tags").asText()),
                logicalVolumes(entry)));
      }
    }
    return new LvmReport(groups, pvs);
  }

  private static List<LogicalVolume> logicalVolumes(JsonNode entry) {
    Map<String, JsonNode> firstSegment = new HashMap<>();
    for (JsonNode seg : entry.path("seg")) {
      firstSegment.putIfAbsent(seg.path("lv_name").asText(), seg);
    }
    List<LogicalVolume> lvs = new ArrayList<>();
    for (JsonNode lv : entry.path("lv")) {
      String name = lv.path("lv_name").asText();
      JsonNode seg = firstSegment.getOrDefault(name, JSON.createObjectNode());
      lvs.add(
          new LogicalVolume(
              name,
              lv.path("lv_attr").asText(),
              lv.path("lv_size").asLong(),
              lv.path("pool_lv").asText(),
              percent(lv.path("data_percent").asText()),
              percent(lv.path("metadata_percent").asText()),
              lv.path("lv_metadata_size").asLong(),
              lv.path("lv_profile").asText(),
              active(lv.path("lv_active").asText()),
              seg.path("segtype").asText(),
              seg.path("chunk_size").asLong(),
              "1".equals(seg.path("zero").asText()),
              seg.path("seg_monitor").asText(),
              lv.path("lv_uuid").asText(),
              thinId(seg.path("thin_id").asText())));
    }
    return lvs;
  }

  /**
   * lv_active is a word ("active") up to lvm2 2.03.2x and a binary field under --binary from then
   * on (lvm2 2.03.31, Debian trixie, prints "1").
   */
  private static boolean active(String lvActive) {
    return "active".equals(lvActive) || "1".equals(lvActive);
  }

  private static Long thinId(String text) {
    return text.isBlank() ? null : Long.valueOf(text);
  }

  private static Double percent(String text) {
    return text.isBlank() ? null : Double.valueOf(text);
  }

  private static List<String> splitTags(String tags) {
    return tags.isBlank() ? List.of() : List.of(tags.split(","));
  }
}
