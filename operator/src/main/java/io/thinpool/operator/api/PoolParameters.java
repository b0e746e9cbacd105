package io.thinpool.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.thinpool.operator.rules.Defaults;
import io.thinpool.operator.rules.PoolRules;
import java.util.ArrayList;
import java.util.List;

/**
 * The runbook's parameters, shared by ThinPoolConfig (what the user asks for) and ThinPool (one
 * node's copy). Defaults are the runbook's. Every rule comes from the {@code rules} package, which
 * the agent checks again before it runs anything.
 */
// Without the two values: CEL cannot bound the size of string(int), so the API server refuses a
// message expression that prints them.
@ValidationRule(
    value = Cel.WITHIN_THE_VOLUME_GROUP,
    message = PoolRules.OVER_THE_VOLUME_GROUP,
    fieldPath = ".dataPercentOfVg")
@ValidationRule(
    value = Cel.METADATA_NAME_OF_ITS_OWN,
    messageExpression = Cel.SAME_AS_POOL_NAME,
    message = "metadataName " + PoolRules.SAME_AS_POOL_NAME,
    fieldPath = ".metadataName")
@ValidationRule(
    value = "!has(oldSelf.volumeGroup) || self.volumeGroup == oldSelf.volumeGroup",
    message = "volumeGroup is immutable: a volume group cannot be renamed in place",
    fieldPath = ".volumeGroup")
@ValidationRule(
    value = "!has(oldSelf.poolName) || self.poolName == oldSelf.poolName",
    message = "poolName is immutable",
    fieldPath = ".poolName")
@ValidationRule(
    value = "!has(oldSelf.chunkSize) || self.chunkSize == oldSelf.chunkSize",
    message = "chunkSize is immutable: a thin pool's chunk size is fixed when it is created",
    fieldPath = ".chunkSize")
public class PoolParameters {

  @Required
  @Size(min = PoolRules.MIN_DEVICES, max = PoolRules.MAX_DEVICES)
  @ValidationRule(
      value = Cel.DEVICE_PATHS,
      messageExpression = Cel.NOT_A_DEVICE_PATH,
      message = Cel.A_VALUE + PoolRules.NOT_A_DEVICE_PATH)
  @ValidationRule(
      value = Cel.DEVICES_ONCE,
      messageExpression = Cel.LISTED_TWICE,
      message = Cel.A_VALUE + PoolRules.LISTED_TWICE)
  @JsonPropertyDescription(
      "Block devices to build the volume group on: absolute paths under /dev (kernel names,"
          + " /dev/disk/by-* links or /dev/mapper names). Devices that hold data are left out unless"
          + " destroyExistingDataOnDevices is set.")
  public List<@Size(max = PoolRules.DEVICE_PATH_MAX_LENGTH) String> devices = new ArrayList<>();

  @Default(Defaults.VOLUME_GROUP)
  @Size(max = PoolRules.LVM_NAME_MAX_LENGTH)
  @ValidationRule(
      value = Cel.LVM_NAME,
      messageExpression = Cel.NOT_AN_LVM_NAME,
      message = Cel.A_VALUE + PoolRules.NOT_AN_LVM_NAME)
  @ValidationRule(
      value = Cel.NOT_RESERVED,
      messageExpression = Cel.RESERVED_BY_LVM,
      message = Cel.A_VALUE + PoolRules.RESERVED_BY_LVM)
  @JsonPropertyDescription("Volume group name (runbook: docker). Immutable.")
  public String volumeGroup = Defaults.VOLUME_GROUP;

  @Default(Defaults.POOL)
  @Size(max = PoolRules.LVM_NAME_MAX_LENGTH)
  @ValidationRule(
      value = Cel.LVM_NAME,
      messageExpression = Cel.NOT_AN_LVM_NAME,
      message = Cel.A_VALUE + PoolRules.NOT_AN_LVM_NAME)
  @ValidationRule(
      value = Cel.NOT_RESERVED,
      messageExpression = Cel.RESERVED_BY_LVM,
      message = Cel.A_VALUE + PoolRules.RESERVED_BY_LVM)
  @JsonPropertyDescription("Thin pool LV name (runbook: thinpool). Immutable.")
  public String poolName = Defaults.POOL;

  @Default(Defaults.METADATA)
  @Size(max = PoolRules.LVM_NAME_MAX_LENGTH)
  @ValidationRule(
      value = Cel.LVM_NAME,
      messageExpression = Cel.NOT_AN_LVM_NAME,
      message = Cel.A_VALUE + PoolRules.NOT_AN_LVM_NAME)
  @ValidationRule(
      value = Cel.NOT_RESERVED,
      messageExpression = Cel.RESERVED_BY_LVM,
      message = Cel.A_VALUE + PoolRules.RESERVED_BY_LVM)
  @JsonPropertyDescription(
      "Name of the metadata LV before it is converted into the pool (runbook: thinpoolmeta);"
          + " not the poolName.")
  public String metadataName = Defaults.METADATA;

  @Default(Defaults.DATA_PERCENT_TEXT)
  @Min(PoolRules.PERCENT_OF_VG_MIN)
  @Max(PoolRules.PERCENT_OF_VG_MAX)
  @JsonPropertyDescription(
      "Data LV size as a percentage of the volume group (runbook: 90). Growing it extends the pool;"
          + " thin pools never shrink.")
  public Integer dataPercentOfVg = Defaults.DATA_PERCENT;

  @Default(Defaults.METADATA_PERCENT_TEXT)
  @Min(PoolRules.PERCENT_OF_VG_MIN)
  @Max(PoolRules.PERCENT_OF_VG_MAX)
  @JsonPropertyDescription(
      "Metadata LV size as a percentage of the volume group (runbook: 5). LVM also keeps a spare"
          + " metadata LV of the same size, so data + 2 x metadata should stay below 100 to leave"
          + " room for autoextend.")
  public Integer metadataPercentOfVg = Defaults.METADATA_PERCENT;

  @Size(max = PoolRules.SIZE_MAX_LENGTH)
  @ValidationRule(
      value = Cel.METADATA_SIZE,
      messageExpression = Cel.NOT_A_METADATA_SIZE,
      message = Cel.A_VALUE + PoolRules.NOT_A_METADATA_SIZE)
  @JsonPropertyDescription(
      "Metadata LV size as an absolute quantity (e.g. 1Gi), used instead of metadataPercentOfVg"
          + " when set; "
          + PoolRules.METADATA_SIZE_MIN
          + " to "
          + PoolRules.METADATA_SIZE_MAX
          + ". Whichever way it is sized, the metadata LV never exceeds LVM's maximum of "
          + PoolRules.METADATA_SIZE_MAX
          + " (15.81 GiB): a percentage that asks for more is clamped and the status notes it.")
  public String metadataSize;

  @Default(Defaults.CHUNK_SIZE)
  @Size(max = PoolRules.SIZE_MAX_LENGTH)
  @ValidationRule(
      value = Cel.CHUNK_SIZE,
      messageExpression = Cel.NOT_A_CHUNK_SIZE,
      message = Cel.A_VALUE + PoolRules.NOT_A_CHUNK_SIZE)
  @JsonPropertyDescription(
      "Thin pool chunk size: a multiple of 64Ki from 64Ki to 1Gi, in bytes or with Ki, Mi or Gi"
          + " (runbook: 512Ki). Immutable.")
  public String chunkSize = Defaults.CHUNK_SIZE;

  @Default(Defaults.ZEROING_TEXT)
  @JsonPropertyDescription("Zero newly provisioned pool blocks (runbook: --zero n, i.e. false).")
  public Boolean zeroing = Defaults.ZEROING;

  @Default(Defaults.WIPE_SIGNATURES_TEXT)
  @JsonPropertyDescription("Wipe signatures on the new LVs (runbook: --wipesignatures y).")
  public Boolean wipeSignatures = Defaults.WIPE_SIGNATURES;

  @JsonPropertyDescription(
      "dmeventd's autoextend policy, written to /etc/lvm/profile/<profile>.profile and attached to"
          + " the pool.")
  public AutoextendSpec autoextend = new AutoextendSpec();

  @Default(Defaults.DESTROY_EXISTING_DATA_TEXT)
  @JsonPropertyDescription(
      "DANGER: allow wiping devices that carry a filesystem, a partition table or a physical volume"
          + " of another volume group. Everything on them is destroyed. Mounted or in-use devices are"
          + " never touched.")
  public Boolean destroyExistingDataOnDevices = Defaults.DESTROY_EXISTING_DATA;

  @Default(Defaults.ADOPT_EXISTING_TEXT)
  @JsonPropertyDescription(
      "Adopt a volume group and thin pool of these names that thinpool-operator did not create"
          + " (made by hand with the runbook). Adopted only when they match: the pool exists as a"
          + " thin pool, the volume group's physical volumes are exactly the devices, and it holds"
          + " nothing but the pool and its thin volumes. Adoption tags the volume group as owned,"
          + " writes and attaches the autoextend profile and turns monitoring on; the pool's data"
          + " and thin volumes are not touched. Sizes, zeroing and the profile may differ: the pool"
          + " is then reconciled like one thinpool-operator built (grown, never shrunk).")
  public Boolean adoptExisting = Defaults.ADOPT_EXISTING;

  @Default(Defaults.PLAN_ONLY_TEXT)
  @JsonPropertyDescription(
      "Plan only: the agent observes the node and writes the steps it would run (command and"
          + " reason) into status.plannedSteps, phase "
          + ThinPoolPhases.PLANNED
          + ", and changes nothing (a deletion tears nothing down either). Set it to false"
          + " to apply them. For a first rollout on a fleet.")
  public Boolean planOnly = Defaults.PLAN_ONLY;

  @Default(Defaults.DELETION_POLICY)
  @JsonPropertyDescription(
      "What happens to the pool on the node when its ThinPool is deleted: Retain (leave LVM"
          + " untouched) or Delete (tear it down).")
  public DeletionPolicy deletionPolicy = DeletionPolicy.valueOf(Defaults.DELETION_POLICY);

  /** What to do with a node's pool when its ThinPool goes away. */
  public enum DeletionPolicy {
    Retain,
    Delete
  }

  /** The autoextend profile's content. */
  public static class AutoextendSpec {
    @Default(Defaults.PROFILE)
    @Size(max = PoolRules.LVM_NAME_MAX_LENGTH)
    @ValidationRule(
        value = Cel.LVM_NAME,
        messageExpression = Cel.NOT_AN_LVM_NAME,
        message = Cel.A_VALUE + PoolRules.NOT_AN_LVM_NAME)
    @ValidationRule(
        value = Cel.NOT_SHIPPED_BY_LVM2,
        messageExpression = Cel.SHIPPED_BY_LVM2,
        message = Cel.A_VALUE + PoolRules.SHIPPED_BY_LVM2)
    @JsonPropertyDescription(
        "Metadata profile name (runbook: docker-thinpool); not one of the profiles lvm2 ships.")
    public String profile = Defaults.PROFILE;

    @Default(Defaults.THRESHOLD_PERCENT_TEXT)
    @Min(PoolRules.THRESHOLD_PERCENT_MIN)
    @Max(PoolRules.THRESHOLD_PERCENT_MAX)
    @JsonPropertyDescription(
        "Data usage % that triggers an extension (runbook: 80); 100 turns autoextend off.")
    public Integer thresholdPercent = Defaults.THRESHOLD_PERCENT;

    @Default(Defaults.EXTEND_PERCENT_TEXT)
    @Min(PoolRules.EXTEND_PERCENT_MIN)
    @Max(PoolRules.EXTEND_PERCENT_MAX)
    @JsonPropertyDescription(
        "How much one extension adds, as % of the pool (runbook: 20), from 1: to turn autoextend"
            + " off, set thresholdPercent to 100.")
    public Integer extendPercent = Defaults.EXTEND_PERCENT;
  }
}
