package io.thinpool.operator.lvm.spec;

import io.thinpool.operator.rules.Defaults;
import io.thinpool.operator.rules.PoolRules;
import io.thinpool.operator.rules.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

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
 * @param metadataSize an absolute metadata LV size in bytes instead of the percentage; empty when
 *     the percentage applies
 * @param chunkSizeBytes thin pool chunk size (runbook: 512 KiB)
 * @param zeroing whether new pool blocks are zeroed (runbook: {@code --zero n})
 * @param wipeSignatures whether lvcreate wipes signatures (runbook: {@code --wipesignatures y})
 * @param autoextend the metadata profile that drives dmeventd's autoextend
 * @param destroyExistingData explicit opt-in to wipe devices that carry signatures or foreign PVs
 * @param adoptExisting explicit opt-in to take over a volume group and pool of these names that
 *     thinpool-operator did not create, when they match (see {@link
 *     io.thinpool.operator.lvm.plan.Adoption})
 * @param owner the config and node this pool is for, recorded in the volume group's tags
 */
public record PoolSpec(
    List<String> devices,
    String volumeGroup,
    String poolName,
    String metadataName,
    int dataPercentOfVg,
    int metadataPercentOfVg,
    OptionalLong metadataSize,
    long chunkSizeBytes,
    boolean zeroing,
    boolean wipeSignatures,
    AutoextendPolicy autoextend,
    boolean destroyExistingData,
    boolean adoptExisting,
    PoolOwner owner) {

  /**
   * The autoextend policy written to {@code /etc/lvm/profile/<profile>.profile}.
   *
   * @param profile profile name (runbook: {@code docker-thinpool})
   * @param thresholdPercent data usage that triggers an extension (runbook: 80; 100 disables)
   * @param extendPercent how much an extension adds, as a percentage of the pool (runbook: 20)
   */
  public record AutoextendPolicy(String profile, int thresholdPercent, int extendPercent) {
    public static final AutoextendPolicy RUNBOOK =
        new AutoextendPolicy(Defaults.PROFILE, Defaults.THRESHOLD_PERCENT, Defaults.EXTEND_PERCENT);

    /** Whether the policy ever extends a pool: a threshold of 100 or a step of 0 turns it off. */
    public boolean enabled() {
      return thresholdPercent < PoolRules.THRESHOLD_PERCENT_MAX && extendPercent > 0;
    }
  }

  public PoolSpec {
    devices = List.copyOf(devices);
  }

  /**
   * The runbook's pool on the given devices, owned by the engine command on a node named {@code
   * node}.
   */
  public static PoolSpec runbook(String... devices) {
    return new PoolSpec(
        List.of(devices),
        Defaults.VOLUME_GROUP,
        Defaults.POOL,
        Defaults.METADATA,
        Defaults.DATA_PERCENT,
        Defaults.METADATA_PERCENT,
        OptionalLong.empty(),
        Defaults.CHUNK_SIZE_BYTES,
        Defaults.ZEROING,
        Defaults.WIPE_SIGNATURES,
        AutoextendPolicy.RUNBOOK,
        Defaults.DESTROY_EXISTING_DATA,
        Defaults.ADOPT_EXISTING,
        new PoolOwner(PoolOwner.ENGINE, "node"));
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
    private OptionalLong metadataSize;
    private long chunkSizeBytes;
    private boolean zeroing;
    private boolean wipeSignatures;
    private AutoextendPolicy autoextend;
    private boolean destroyExistingData;
    private boolean adoptExisting;
    private PoolOwner owner;

    private Builder(PoolSpec from) {
      devices = from.devices;
      volumeGroup = from.volumeGroup;
      poolName = from.poolName;
      metadataName = from.metadataName;
      dataPercentOfVg = from.dataPercentOfVg;
      metadataPercentOfVg = from.metadataPercentOfVg;
      metadataSize = from.metadataSize;
      chunkSizeBytes = from.chunkSizeBytes;
      zeroing = from.zeroing;
      wipeSignatures = from.wipeSignatures;
      autoextend = from.autoextend;
      destroyExistingData = from.destroyExistingData;
      adoptExisting = from.adoptExisting;
      owner = from.owner;
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

    /** An absolute metadata LV size instead of the percentage. */
    public Builder metadataSizeBytes(long bytes) {
      metadataSize = OptionalLong.of(bytes);
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

    public Builder adoptExisting(boolean adopt) {
      adoptExisting = adopt;
      return this;
    }

    public Builder owner(PoolOwner of) {
      owner = of;
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
          metadataSize,
          chunkSizeBytes,
          zeroing,
          wipeSignatures,
          autoextend,
          destroyExistingData,
          adoptExisting,
          owner);
    }
  }

  /**
   * Everything wrong with this spec; empty when it is valid. The CRD schema checks the same {@link
   * PoolRules} at admission; this is the agent's second line of defence.
   */
  public List<Violation> violations() {
    List<Violation> errors = new ArrayList<>();
    errors.addAll(PoolRules.deviceErrors(devices));
    errors.addAll(PoolRules.volumeNameErrors("volumeGroup", volumeGroup));
    errors.addAll(PoolRules.volumeNameErrors("poolName", poolName));
    errors.addAll(PoolRules.volumeNameErrors("metadataName", metadataName));
    errors.addAll(PoolRules.metadataNameClash(poolName, metadataName));
    errors.addAll(PoolRules.percentOfVgErrors(dataPercentOfVg, metadataPercentOfVg));
    metadataSize.ifPresent(bytes -> errors.addAll(PoolRules.metadataSizeErrors(bytes)));
    errors.addAll(PoolRules.chunkSizeErrors(chunkSizeBytes));
    if (autoextend == null) {
      errors.add(Violation.of("autoextend", null, "is required"));
    } else {
      errors.addAll(PoolRules.profileErrors(autoextend.profile()));
      errors.addAll(
          PoolRules.autoextendErrors(autoextend.thresholdPercent(), autoextend.extendPercent()));
    }
    if (owner == null) {
      errors.add(Violation.of("owner", null, "is required"));
    } else {
      errors.addAll(owner.violations());
    }
    return errors;
  }
}
