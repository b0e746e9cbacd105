package io.thinpool.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.thinpool.operator.lvm.PoolSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The runbook's parameters, shared by ThinPoolConfig (what the user asks for) and ThinPool (one
 * node's copy). Defaults are the runbook's. The schema checks what it can at admission; the agent
 * checks again through {@link PoolSpec#validationErrors()}.
 */
@ValidationRule(
    value = "self.dataPercentOfVg + self.metadataPercentOfVg <= 100",
    message = "dataPercentOfVg + metadataPercentOfVg must not exceed 100")
@ValidationRule(
    value = "!has(oldSelf.volumeGroup) || self.volumeGroup == oldSelf.volumeGroup",
    message = "volumeGroup is immutable: a volume group cannot be renamed in place")
@ValidationRule(
    value = "!has(oldSelf.poolName) || self.poolName == oldSelf.poolName",
    message = "poolName is immutable")
@ValidationRule(
    value = "!has(oldSelf.chunkSize) || self.chunkSize == oldSelf.chunkSize",
    message = "chunkSize is immutable: a thin pool's chunk size is fixed when it is created")
public class PoolParameters {

  /** LVM's rule for VG and LV names (lvm(8) "Valid names"). */
  static final String LVM_NAME = "^[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,126}$";

  /** The same device rule as {@link PoolSpec}: kernel names, /dev/disk/by-* links, /dev/mapper. */
  static final String DEVICE_PATH =
      "^/dev/([A-Za-z0-9][A-Za-z0-9._-]*|disk/by-[a-z]+/[A-Za-z0-9:._+@-]+|mapper/[A-Za-z0-9._+-]+)$";

  /** Names LVM reserves for its own sub-volumes. */
  static final String NOT_RESERVED =
      "!self.startsWith('snapshot') && !self.startsWith('pvmove') && !['_cdata', '_cmeta', '_corig',"
          + " '_mlog', '_mimage', '_pmspare', '_rimage', '_rmeta', '_tdata', '_tmeta', '_vorigin',"
          + " '_vdata'].exists(s, self.contains(s))";

  @Required
  @Size(min = 1, max = 16)
  @ValidationRule(
      value = "self.all(d, d.matches('" + DEVICE_PATH + "') && !d.contains('..'))",
      message =
          "each device must be a block device path under /dev (e.g. /dev/sdb, /dev/disk/by-id/...)")
  @ValidationRule(
      value = "self.all(d, self.exists_one(e, e == d))",
      message = "a device is listed twice")
  @JsonPropertyDescription(
      "Block devices to build the volume group on: absolute paths under /dev (kernel names,"
          + " /dev/disk/by-* links or /dev/mapper names). Devices that hold data are left out unless"
          + " destroyExistingDataOnDevices is set.")
  public List<@Size(max = 255) String> devices = new ArrayList<>();

  @Default(PoolSpec.DEFAULT_VOLUME_GROUP)
  @Pattern(LVM_NAME)
  @Size(max = 127)
  @ValidationRule(value = NOT_RESERVED, message = "this name is reserved by LVM")
  @JsonPropertyDescription("Volume group name (runbook: docker). Immutable.")
  public String volumeGroup = PoolSpec.DEFAULT_VOLUME_GROUP;

  @Default(PoolSpec.DEFAULT_POOL)
  @Pattern(LVM_NAME)
  @Size(max = 127)
  @ValidationRule(value = NOT_RESERVED, message = "this name is reserved by LVM")
  @JsonPropertyDescription("Thin pool LV name (runbook: thinpool). Immutable.")
  public String poolName = PoolSpec.DEFAULT_POOL;

  @Default(PoolSpec.DEFAULT_METADATA)
  @Pattern(LVM_NAME)
  @Size(max = 127)
  @ValidationRule(value = NOT_RESERVED, message = "this name is reserved by LVM")
  @JsonPropertyDescription(
      "Name of the metadata LV before it is converted into the pool (runbook: thinpoolmeta).")
  public String metadataName = PoolSpec.DEFAULT_METADATA;

  @Default("90")
  @Min(1)
  @Max(99)
  @JsonPropertyDescription(
      "Data LV size as a percentage of the volume group (runbook: 90). Growing it extends the pool; thin pools never shrink.")
  public Integer dataPercentOfVg = PoolSpec.DEFAULT_DATA_PERCENT;

  @Default("5")
  @Min(1)
  @Max(99)
  @JsonPropertyDescription(
      "Metadata LV size as a percentage of the volume group (runbook: 5). LVM also keeps a spare"
          + " metadata LV of the same size, so data + 2 x metadata should stay below 100 to leave"
          + " room for autoextend.")
  public Integer metadataPercentOfVg = PoolSpec.DEFAULT_METADATA_PERCENT;

  @Default("512Ki")
  @Size(max = 16)
  @ValidationRule(
      value =
          "isQuantity(self) && quantity(self).isInteger() && quantity(self).asInteger() >= 65536"
              + " && quantity(self).asInteger() <= 1073741824 && quantity(self).asInteger() % 65536 == 0",
      message = "chunkSize must be a multiple of 64Ki between 64Ki and 1Gi")
  @JsonPropertyDescription(
      "Thin pool chunk size, a multiple of 64Ki from 64Ki to 1Gi (runbook: 512Ki). Immutable.")
  public String chunkSize = "512Ki";

  @Default("false")
  @JsonPropertyDescription("Zero newly provisioned pool blocks (runbook: --zero n, i.e. false).")
  public Boolean zeroing = false;

  @Default("true")
  @JsonPropertyDescription("Wipe signatures on the new LVs (runbook: --wipesignatures y).")
  public Boolean wipeSignatures = true;

  @JsonPropertyDescription(
      "dmeventd's autoextend policy, written to /etc/lvm/profile/<profile>.profile and attached to the pool.")
  public AutoextendSpec autoextend = new AutoextendSpec();

  @Default("false")
  @JsonPropertyDescription(
      "DANGER: allow wiping devices that carry a filesystem, a partition table or a physical volume"
          + " of another volume group. Everything on them is destroyed. Mounted or in-use devices are"
          + " never touched.")
  public Boolean destroyExistingDataOnDevices = false;

  @Default("Retain")
  @JsonPropertyDescription(
      "What happens to the pool on the node when its ThinPool is deleted: Retain (leave LVM untouched) or Delete (tear it down).")
  public DeletionPolicy deletionPolicy = DeletionPolicy.Retain;

  /** What to do with a node's pool when its ThinPool goes away. */
  public enum DeletionPolicy {
    Retain,
    Delete
  }

  /** The autoextend profile's content. */
  public static class AutoextendSpec {
    @Default("docker-thinpool")
    @Pattern(LVM_NAME)
    @Size(max = 127)
    @JsonPropertyDescription("Metadata profile name (runbook: docker-thinpool).")
    public String profile = PoolSpec.AutoextendPolicy.RUNBOOK.profile();

    @Default("80")
    @Min(50)
    @Max(100)
    @JsonPropertyDescription(
        "Data usage % that triggers an extension (runbook: 80; 100 disables autoextend).")
    public Integer thresholdPercent = PoolSpec.AutoextendPolicy.RUNBOOK.thresholdPercent();

    @Default("20")
    @Min(0)
    @Max(100)
    @JsonPropertyDescription("How much one extension adds, as % of the pool (runbook: 20).")
    public Integer extendPercent = PoolSpec.AutoextendPolicy.RUNBOOK.extendPercent();
  }
}
