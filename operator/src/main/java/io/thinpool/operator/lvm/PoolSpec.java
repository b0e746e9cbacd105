package io.thinpool.operator.lvm;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The pool one node should have: the runbook's parameters, each with the runbook's value as
 * default. The engine's own copy of the desired state, free of any Kubernetes type.
 *
 * @param devices block devices to build the volume group on (absolute paths under /dev)
 * @param volumeGroup volume group name (runbook: {@code docker})
 * @param poolName thin pool LV name (runbook: {@code thinpool})
 * @param metadataName metadata LV name before conversion (runbook: {@code thinpoolmeta})
 * @param dataPercentOfVg data LV size as a percentage of the VG (runbook: 90)
 * @param metadataPercentOfVg metadata LV size as a percentage of the VG (runbook: 5)
 * @param chunkSizeBytes thin pool chunk size (runbook: 512 KiB)
 * @param zeroing whether new pool blocks are zeroed (runbook: {@code --zero n})
 * @param wipeSignatures whether lvcreate wipes signatures (runbook: {@code --wipesignatures y})
 * @param autoextend the metadata profile that drives dmeventd's autoextend
 * @param destroyExistingData explicit opt-in to wipe devices that carry signatures or foreign PVs
 */
public record PoolSpec(
    List<String> devices,
    String volumeGroup,
    String poolName,
    String metadataName,
    int dataPercentOfVg,
    int metadataPercentOfVg,
    long chunkSizeBytes,
    boolean zeroing,
    boolean wipeSignatures,
    AutoextendPolicy autoextend,
    boolean destroyExistingData) {

  public static final String DEFAULT_VOLUME_GROUP = "docker";
  public static final String DEFAULT_POOL = "thinpool";
  public static final String DEFAULT_METADATA = "thinpoolmeta";
  public static final int DEFAULT_DATA_PERCENT = 90;
  public static final int DEFAULT_METADATA_PERCENT = 5;
  public static final long DEFAULT_CHUNK_SIZE = 512 * 1024;

  static final long MIN_CHUNK_SIZE = 64 * 1024;
  static final long MAX_CHUNK_SIZE = 1024L * 1024 * 1024;

  /** LVM's rule for VG and LV names (lvm(8) "Valid names"), bounded to 127 characters. */
  private static final Pattern LVM_NAME = Pattern.compile("[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,126}");

  /** Block devices by kernel name or by a /dev/disk/by-* link; no "..", no shell characters. */
  private static final Pattern DEVICE_PATH =
      Pattern.compile(
          "/dev/(?:[A-Za-z0-9][A-Za-z0-9._-]*|disk/by-[a-z]+/[A-Za-z0-9:._+@-]+|mapper/[A-Za-z0-9._+-]+)");

  /**
   * The autoextend policy written to {@code /etc/lvm/profile/<profile>.profile}.
   *
   * @param profile profile name (runbook: {@code docker-thinpool})
   * @param thresholdPercent data usage that triggers an extension (runbook: 80; 100 disables)
   * @param extendPercent how much an extension adds, as a percentage of the pool (runbook: 20)
   */
  public record AutoextendPolicy(String profile, int thresholdPercent, int extendPercent) {
    public static final AutoextendPolicy RUNBOOK = new AutoextendPolicy("docker-thinpool", 80, 20);
  }

  public PoolSpec {
    devices = List.copyOf(devices);
  }

  /** The runbook's pool on the given devices. */
  public static PoolSpec runbook(String... devices) {
    return new PoolSpec(
        List.of(devices),
        DEFAULT_VOLUME_GROUP,
        DEFAULT_POOL,
        DEFAULT_METADATA,
        DEFAULT_DATA_PERCENT,
        DEFAULT_METADATA_PERCENT,
        DEFAULT_CHUNK_SIZE,
        false,
        true,
        AutoextendPolicy.RUNBOOK,
        false);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes a few fields of a spec, keeping the others. */
  public static final class Builder {
    private List<String> devices;
    private String volumeGroup;
    private String poolName;
    private String metadataName;
    private int dataPercentOfVg;
    private int metadataPercentOfVg;
    private long chunkSizeBytes;
    private boolean zeroing;
    private boolean wipeSignatures;
    private AutoextendPolicy autoextend;
    private boolean destroyExistingData;

    private Builder(PoolSpec from) {
      devices = from.devices;
      volumeGroup = from.volumeGroup;
      poolName = from.poolName;
      metadataName = from.metadataName;
      dataPercentOfVg = from.dataPercentOfVg;
      metadataPercentOfVg = from.metadataPercentOfVg;
      chunkSizeBytes = from.chunkSizeBytes;
      zeroing = from.zeroing;
      wipeSignatures = from.wipeSignatures;
      autoextend = from.autoextend;
      destroyExistingData = from.destroyExistingData;
    }

    public Builder devices(String... paths) {
      devices = List.of(paths);
      return this;
    }

    public Builder volumeGroup(String name) {
      volumeGroup = name;
      return this;
    }

    public Builder poolName(String name) {
      poolName = name;
      return this;
    }

    public Builder metadataName(String name) {
      metadataName = name;
      return this;
    }

    public Builder sizes(int dataPercent, int metadataPercent) {
      dataPercentOfVg = dataPercent;
      metadataPercentOfVg = metadataPercent;
      return this;
    }

    public Builder chunkSizeBytes(long bytes) {
      chunkSizeBytes = bytes;
      return this;
    }

    public Builder zeroing(boolean zero) {
      zeroing = zero;
      return this;
    }

    public Builder autoextend(AutoextendPolicy policy) {
      autoextend = policy;
      return this;
    }

    public Builder destroyExistingData(boolean destroy) {
      destroyExistingData = destroy;
      return this;
    }

    public PoolSpec build() {
      return new PoolSpec(
          devices,
          volumeGroup,
          poolName,
          metadataName,
          dataPercentOfVg,
          metadataPercentOfVg,
          chunkSizeBytes,
          zeroing,
          wipeSignatures,
          autoextend,
          destroyExistingData);
    }
  }

  /**
   * Everything wrong with this spec, in words a user can act on; empty when it is valid. The CRD
   * schema checks the same rules at admission; this is the agent's second line of defence.
   */
  public List<String> validationErrors() {
    List<String> errors = new ArrayList<>();
    if (devices.isEmpty()) {
      errors.add("devices: at least one device is required");
    }
    for (String device : devices) {
      if (device == null || !DEVICE_PATH.matcher(device).matches() || device.contains("..")) {
        errors.add("devices: '" + device + "' is not a block device path under /dev");
      }
    }
    if (devices.stream().distinct().count() != devices.size()) {
      errors.add("devices: a device is listed twice");
    }
    checkName(errors, "volumeGroup", volumeGroup);
    checkName(errors, "poolName", poolName);
    checkName(errors, "metadataName", metadataName);
    if (poolName != null && poolName.equals(metadataName)) {
      errors.add("metadataName: must differ from poolName");
    }
    if (dataPercentOfVg < 1 || dataPercentOfVg > 99) {
      errors.add("dataPercentOfVg: must be between 1 and 99, got " + dataPercentOfVg);
    }
    if (metadataPercentOfVg < 1 || metadataPercentOfVg > 99) {
      errors.add("metadataPercentOfVg: must be between 1 and 99, got " + metadataPercentOfVg);
    }
    if (dataPercentOfVg + metadataPercentOfVg > 100) {
      errors.add(
          "dataPercentOfVg + metadataPercentOfVg: must not exceed 100, got "
              + (dataPercentOfVg + metadataPercentOfVg));
    }
    if (chunkSizeBytes < MIN_CHUNK_SIZE
        || chunkSizeBytes > MAX_CHUNK_SIZE
        || chunkSizeBytes % MIN_CHUNK_SIZE != 0) {
      errors.add(
          "chunkSize: must be a multiple of 64Ki between 64Ki and 1Gi, got "
              + chunkSizeBytes
              + " bytes");
    }
    if (autoextend == null) {
      errors.add("autoextend: is required");
    } else {
      checkName(errors, "autoextend.profile", autoextend.profile());
      if (autoextend.thresholdPercent() < 50 || autoextend.thresholdPercent() > 100) {
        errors.add(
            "autoextend.thresholdPercent: must be between 50 and 100 (100 disables autoextend), got "
                + autoextend.thresholdPercent());
      }
      if (autoextend.extendPercent() < 0 || autoextend.extendPercent() > 100) {
        errors.add(
            "autoextend.extendPercent: must be between 0 and 100, got "
                + autoextend.extendPercent());
      }
    }
    return errors;
  }

  private static void checkName(List<String> errors, String field, String name) {
    if (name == null
        || !LVM_NAME.matcher(name).matches()
        || name.equals(".")
        || name.equals("..")) {
      errors.add(
          field
              + ": '"
              + name
              + "' is not a valid LVM name (letters, digits, + _ . -, not starting with -)");
    } else if (name.startsWith("snapshot")
        || name.startsWith("pvmove")
        || name.contains("_cdata")
        || name.contains("_cmeta")
        || name.contains("_corig")
        || name.contains("_mlog")
        || name.contains("_mimage")
        || name.contains("_pmspare")
        || name.contains("_rimage")
        || name.contains("_rmeta")
        || name.contains("_tdata")
        || name.contains("_tmeta")
        || name.contains("_vorigin")
        || name.contains("_vdata")) {
      errors.add(field + ": '" + name + "' uses a name LVM reserves for its own volumes");
    }
  }
}
