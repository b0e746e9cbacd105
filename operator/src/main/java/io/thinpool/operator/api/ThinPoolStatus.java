package io.thinpool.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the node's agent observed, written only by that agent. */
public class ThinPoolStatus {

  @JsonPropertyDescription("The spec generation this status reflects.")
  public Long observedGeneration;

  @JsonPropertyDescription(ThinPoolPhases.DESCRIPTION)
  public String phase;

  @JsonPropertyDescription(ConditionTypes.THIN_POOL)
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The volume group as last observed on the node.")
  public VolumeGroupStatus volumeGroup;

  @JsonPropertyDescription("The thin pool as last observed; absent until it exists.")
  public PoolStatus pool;

  @JsonPropertyDescription(
      "The autoextend policy and whether dmeventd, or else the agent, can apply it.")
  public AutoextendStatus autoextend;

  @JsonPropertyDescription("Devices from the spec that are not used, each with the reason.")
  public List<ExcludedDevice> excludedDevices = new ArrayList<>();

  @JsonPropertyDescription(
      "What the agent noticed that needs no action but that the user should know, e.g. metadata"
          + " clamped to LVM's maximum or a chunk size that differs from the spec.")
  public List<String> notes = new ArrayList<>();

  @JsonPropertyDescription(
      "With planOnly: the steps the agent would run, in order, each with its reason; nothing ran.")
  public List<PlannedStep> plannedSteps = new ArrayList<>();

  @JsonPropertyDescription(
      "Damaged metadata and its repair: set once the pool has failed its metadata check.")
  public MetadataRepairStatus metadataRepair;

  @JsonPropertyDescription("The last failure of a host command, if the last reconcile failed.")
  public String lastError;

  /**
   * Metadata damage the agent saw, the token that asks for its repair, and the last repair. The
   * agent may not change the annotation, so the token it acted on is kept here instead.
   */
  public static class MetadataRepairStatus {
    /** lastRepairResult's values. */
    public static final String REPAIRED = "Repaired";

    public static final String FAILED = "Failed";
    public static final String NOT_RUN = "NotRun";

    @JsonPropertyDescription(
        "When the agent saw the pool fail its metadata check at activation (RFC 3339); absent"
            + " while the pool activates.")
    public String damageSeen;

    @JsonPropertyDescription(
        "While the damage lasts: the value that the annotation "
            + ThinPool.REPAIR_ANNOTATION
            + " must have to run `lvconvert --repair` on this pool once (the ThinPool's UID and"
            + " when the damage was seen).")
    public String token;

    @JsonPropertyDescription(
        "Why the annotation "
            + ThinPool.REPAIR_ANNOTATION
            + " was not acted on (a token of no current damage, or planOnly), if it was not.")
    public String requestIgnored;

    @JsonPropertyDescription("The token of the last repair run: it is never run again.")
    public String lastRepairToken;

    @JsonPropertyDescription("When the last repair ran (RFC 3339).")
    public String lastRepairTime;

    @JsonPropertyDescription(
        "Repaired, Failed, or NotRun (nothing to repair: the message says why).")
    public String lastRepairResult;

    @JsonPropertyDescription("What the last repair did, or why it failed.")
    public String lastRepairMessage;

    @JsonPropertyDescription(
        "LVs (vg/lv) holding damaged metadata that repairs replaced, kept for inspection: remove"
            + " them with lvremove when no longer needed.")
    public List<String> keptMetadataVolumes = new ArrayList<>();
  }

  public static class VolumeGroupStatus {
    @JsonPropertyDescription("The volume group's name.")
    public String name;

    @JsonPropertyDescription("Its size in bytes.")
    public Long sizeBytes;

    @JsonPropertyDescription("Its unallocated space in bytes: what autoextend can take.")
    public Long freeBytes;

    @JsonPropertyDescription("Its physical volumes.")
    public List<String> devices = new ArrayList<>();
  }

  /** The pool as it is, and the names its consumers (containerd, TopoLVM, ...) are given. */
  public static class PoolStatus {
    @JsonPropertyDescription("The thin pool LV's name (TopoLVM lvmd: thin-pool.name).")
    public String name;

    @JsonPropertyDescription("Its volume group (TopoLVM lvmd: volume-group).")
    public String volumeGroup;

    @JsonPropertyDescription(
        "device-mapper's name for the pool: <volumeGroup>-<name>, each '-' inside either name"
            + " doubled (containerd devmapper snapshotter: pool_name).")
    public String deviceMapperName;

    @JsonPropertyDescription("The pool's device node: /dev/mapper/<deviceMapperName>.")
    public String devicePath;

    @JsonPropertyDescription("Pool data size, human-readable (for kubectl get).")
    public String size;

    @JsonPropertyDescription("Pool data size in bytes.")
    public Long sizeBytes;

    @JsonPropertyDescription("Data usage in percent of the pool, as lvs reports it.")
    public Double dataPercent;

    @JsonPropertyDescription("Metadata usage in percent of the metadata LV, as lvs reports it.")
    public Double metadataPercent;

    @JsonPropertyDescription("Size of the pool's metadata LV in bytes.")
    public Long metadataSizeBytes;

    @JsonPropertyDescription("The pool's chunk size in bytes.")
    public Long chunkSizeBytes;

    @JsonPropertyDescription("Whether newly provisioned blocks are zeroed.")
    public Boolean zeroing;

    @JsonPropertyDescription(
        "How many thin volumes LVM knows in the pool (those a container runtime made through"
            + " device-mapper alone are not counted: see thinDevices).")
    public Integer thinVolumes;

    @JsonPropertyDescription(
        "Every thin device in the pool's metadata, LVM's volumes and those a container runtime"
            + " (containerd's devmapper snapshotter, Docker's devicemapper driver) made through"
            + " device-mapper alone.")
    public Integer thinDevices;

    @JsonPropertyDescription(
        "Of thinDevices, those LVM does not list: a runtime's or made by hand.")
    public Integer foreignThinDevices;

    @JsonPropertyDescription("Thin devices mapped on the pool now (in use or ready for use).")
    public Integer activeThinDevices;

    @JsonPropertyDescription("Data the pool has mapped, in bytes, whoever wrote it.")
    public Long mappedBytes;

    @JsonPropertyDescription(
        "Processes that hold the pool open, beyond its thin devices and LVM (a runtime using it).")
    public Integer openers;

    @JsonPropertyDescription(
        "Whether the pool holds data (a thin device, a mapped block, or contents that cannot be"
            + " read): deletionPolicy Delete then waits for consent, see the TeardownRefused"
            + " condition.")
    public Boolean holdsData;

    @JsonPropertyDescription(
        "Why what the pool holds could not be read (then it counts as holding data); empty when"
            + " read.")
    public String contentsUnreadable;
  }

  public static class AutoextendStatus {
    @JsonPropertyDescription(
        "Ready when dmeventd can extend the pool, "
            + ConditionTypes.AGENT_EXTENDS
            + " when dmeventd does not monitor it and the agent applies the policy itself,"
            + " otherwise why not in one word (NotMonitored,"
            + " NoRoom, Disabled, NotAttached, NoPool).")
    public String state;

    @JsonPropertyDescription("The metadata profile that carries the policy.")
    public String profile;

    @JsonPropertyDescription("Data usage % at which dmeventd extends the pool; 100 means never.")
    public Integer thresholdPercent;

    @JsonPropertyDescription("What one extension adds, in % of the pool's size at the time.")
    public Integer extendPercent;

    @JsonPropertyDescription(
        "Whether dmeventd monitors the pool (otherwise only the agent extends it, at each refresh).")
    public Boolean monitored;

    @JsonPropertyDescription("Free space in the volume group in bytes: the room for extensions.")
    public Long headroomBytes;

    @JsonPropertyDescription("What the next extension would add, in bytes (whole extents).")
    public Long extensionStepBytes;

    @JsonPropertyDescription(
        "Whether the next extension can happen (state is Ready or "
            + ConditionTypes.AGENT_EXTENDS
            + ").")
    public Boolean possible;

    @JsonPropertyDescription("Why autoextend can or cannot fire, in words, with what to change.")
    public String reason;

    @JsonPropertyDescription(
        "Extensions by dmeventd (or a hand) seen since the pool was created; the agent's own"
            + " (growth to the spec, the rescue of a full pool, its autoextend without dmeventd)"
            + " are not counted.")
    public Long extensionsObserved;

    @JsonPropertyDescription("When the last of those extensions was seen (RFC 3339).")
    public String lastExtensionTime;
  }

  /** A step of the plan as the engine prints it: the argv (never run through a shell), and why. */
  public static class PlannedStep {
    @JsonPropertyDescription("The command's argv, joined by spaces (it never runs in a shell).")
    public String command;

    @JsonPropertyDescription("Why the agent would run it.")
    public String reason;
  }

  public static class ExcludedDevice {
    @JsonPropertyDescription("The device as the spec names it.")
    public String device;

    @JsonPropertyDescription("Why it is not used, and what would change that.")
    public String reason;
  }
}
