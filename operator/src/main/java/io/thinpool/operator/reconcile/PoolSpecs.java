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
import io.thinpool.operator.rules.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/** From the API's parameters to the engine's spec: the agent's one crossing between the two. */
final class PoolSpecs {

  private PoolSpecs() {}

  /**
   * A ThinPool read as the engine's spec.
   *
   * @param spec the spec, with the runbook's value in place of anything that could not be read
   * @param unreadable what could not be read (a size the schema's pattern would have refused): a
   *     reconcile is refused while there is any; a teardown, which uses no size, goes ahead
   */
  record Reading(PoolSpec spec, List<Violation> unreadable) {
    Reading {
      unreadable = List.copyOf(unreadable);
    }

    /** Everything wrong with the ThinPool: what could not be read, then the spec's own faults. */
    List<Violation> violations() {
      List<Violation> all = new ArrayList<>(unreadable);
      all.addAll(spec.violations());
      return all;
    }
  }

  static Reading of(ThinPool pool) {
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

  /**
   * The engine's view of the parameters. Unset fields take the runbook's defaults (the API server
   * fills them in; this covers objects that never went through it).
   */
  static Reading of(PoolParameters parameters, PoolOwner owner) {
    AutoextendSpec policy =
        parameters.autoextend == null ? new AutoextendSpec() : parameters.autoextend;
    List<Violation> unreadable = new ArrayList<>();
    String chunkSize = Objects.requireNonNullElse(parameters.chunkSize, Defaults.CHUNK_SIZE);
    OptionalLong chunkBytes = PoolRules.sizeBytes(chunkSize);
    if (chunkBytes.isEmpty()) {
      unreadable.add(PoolRules.unreadableSize("chunkSize", chunkSize, PoolRules.NOT_A_CHUNK_SIZE));
    }
    OptionalLong metadataBytes =
        parameters.metadataSize == null
            ? OptionalLong.empty()
            : PoolRules.sizeBytes(parameters.metadataSize);
    if (parameters.metadataSize != null && metadataBytes.isEmpty()) {
      unreadable.add(
          PoolRules.unreadableSize(
              "metadataSize", parameters.metadataSize, PoolRules.NOT_A_METADATA_SIZE));
    }
    PoolSpec spec =
        new PoolSpec(
            parameters.devices == null ? List.of() : List.copyOf(parameters.devices),
            Objects.requireNonNullElse(parameters.volumeGroup, Defaults.VOLUME_GROUP),
            Objects.requireNonNullElse(parameters.poolName, Defaults.POOL),
            Objects.requireNonNullElse(parameters.metadataName, Defaults.METADATA),
            Objects.requireNonNullElse(parameters.dataPercentOfVg, Defaults.DATA_PERCENT),
            Objects.requireNonNullElse(parameters.metadataPercentOfVg, Defaults.METADATA_PERCENT),
            metadataBytes,
            chunkBytes.orElse(Defaults.CHUNK_SIZE_BYTES),
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
    return new Reading(spec, unreadable);
  }
}
