package io.thinpool.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.thinpool.operator.api.PoolParameters;
import io.thinpool.operator.api.PoolParameters.AutoextendSpec;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolConfig;
import io.thinpool.operator.lvm.spec.PoolOwner;
import io.thinpool.operator.lvm.spec.PoolSpec;
import io.thinpool.operator.lvm.spec.PoolSpec.AutoextendPolicy;
import io.thinpool.operator.rules.Defaults;
import io.thinpool.operator.rules.PoolRules;
import java.util.List;
import java.util.Objects;

/** From the API's parameters to the engine's spec: the agent's one crossing between the two. */
final class PoolSpecs {

  private PoolSpecs() {}

  /**
   * The engine's view of the parameters. Unset fields take the runbook's defaults (the API server
   * fills them in; this covers objects that never went through it); a size written as the rules do
   * not allow becomes -1, which the engine's validation rejects.
   */
  static PoolSpec of(ThinPool pool) {
    return of(pool.getSpec(), new PoolOwner(configOf(pool), pool.getSpec().nodeName));
  }

  /**
   * The config a ThinPool is for: its controlling owner (the controller sets it), else its label.
   */
  private static String configOf(ThinPool pool) {
    return pool.getMetadata().getOwnerReferences().stream()
        .filter(reference -> HasMetadata.getKind(ThinPoolConfig.class).equals(reference.getKind()))
        .map(OwnerReference::getName)
        .findFirst()
        .orElse(pool.getMetadata().getLabels().get(ThinPool.CONFIG_LABEL));
  }

  static PoolSpec of(PoolParameters parameters, PoolOwner owner) {
    AutoextendSpec policy =
        parameters.autoextend == null ? new AutoextendSpec() : parameters.autoextend;
    return new PoolSpec(
        parameters.devices == null ? List.of() : List.copyOf(parameters.devices),
        Objects.requireNonNullElse(parameters.volumeGroup, Defaults.VOLUME_GROUP),
        Objects.requireNonNullElse(parameters.poolName, Defaults.POOL),
        Objects.requireNonNullElse(parameters.metadataName, Defaults.METADATA),
        Objects.requireNonNullElse(parameters.dataPercentOfVg, Defaults.DATA_PERCENT),
        Objects.requireNonNullElse(parameters.metadataPercentOfVg, Defaults.METADATA_PERCENT),
        parameters.metadataSize == null ? 0 : metadataSizeBytes(parameters.metadataSize),
        PoolRules.sizeBytes(Objects.requireNonNullElse(parameters.chunkSize, Defaults.CHUNK_SIZE))
            .orElse(-1),
        Objects.requireNonNullElse(parameters.zeroing, Defaults.ZEROING),
        Objects.requireNonNullElse(parameters.wipeSignatures, Defaults.WIPE_SIGNATURES),
        new AutoextendPolicy(
            Objects.requireNonNullElse(policy.profile, Defaults.PROFILE),
            Objects.requireNonNullElse(policy.thresholdPercent, Defaults.THRESHOLD_PERCENT),
            Objects.requireNonNullElse(policy.extendPercent, Defaults.EXTEND_PERCENT)),
        Objects.requireNonNullElse(
            parameters.destroyExistingDataOnDevices, Defaults.DESTROY_EXISTING_DATA),
        Objects.requireNonNullElse(parameters.adoptExisting, Defaults.ADOPT_EXISTING),
        owner);
  }

  /**
   * A metadataSize the spec writes, in bytes. A written 0 becomes -1 like an unreadable size: in
   * the engine's spec 0 means unset, and the validation must still refuse it as admission does.
   */
  private static long metadataSizeBytes(String text) {
    long bytes = PoolRules.sizeBytes(text).orElse(-1);
    return bytes == 0 ? -1 : bytes;
  }
}
