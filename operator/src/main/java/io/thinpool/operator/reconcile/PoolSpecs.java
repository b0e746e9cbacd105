package io.thinpool.operator.reconcile;

import io.fabric8.kubernetes.api.model.Quantity;
import io.thinpool.operator.api.PoolParameters;
import io.thinpool.operator.api.PoolParameters.AutoextendSpec;
import io.thinpool.operator.lvm.PoolSpec;
import io.thinpool.operator.lvm.PoolSpec.AutoextendPolicy;
import java.util.List;
import java.util.Objects;

/** From the API's parameters to the engine's spec: the agent's one crossing between the two. */
final class PoolSpecs {

  private PoolSpecs() {}

  /**
   * The engine's view of the parameters. Unset fields take the runbook's defaults (the API server
   * fills them in; this covers objects that never went through it); a chunk size that is not a
   * quantity becomes -1, which the engine's validation rejects.
   */
  static PoolSpec of(PoolParameters parameters) {
    AutoextendSpec policy =
        parameters.autoextend == null ? new AutoextendSpec() : parameters.autoextend;
    return new PoolSpec(
        parameters.devices == null ? List.of() : List.copyOf(parameters.devices),
        Objects.requireNonNullElse(parameters.volumeGroup, PoolSpec.DEFAULT_VOLUME_GROUP),
        Objects.requireNonNullElse(parameters.poolName, PoolSpec.DEFAULT_POOL),
        Objects.requireNonNullElse(parameters.metadataName, PoolSpec.DEFAULT_METADATA),
        Objects.requireNonNullElse(parameters.dataPercentOfVg, PoolSpec.DEFAULT_DATA_PERCENT),
        Objects.requireNonNullElse(
            parameters.metadataPercentOfVg, PoolSpec.DEFAULT_METADATA_PERCENT),
        chunkSizeBytes(parameters.chunkSize),
        Boolean.TRUE.equals(parameters.zeroing),
        !Boolean.FALSE.equals(parameters.wipeSignatures),
        new AutoextendPolicy(
            Objects.requireNonNullElse(policy.profile, AutoextendPolicy.RUNBOOK.profile()),
            Objects.requireNonNullElse(
                policy.thresholdPercent, AutoextendPolicy.RUNBOOK.thresholdPercent()),
            Objects.requireNonNullElse(
                policy.extendPercent, AutoextendPolicy.RUNBOOK.extendPercent())),
        Boolean.TRUE.equals(parameters.destroyExistingDataOnDevices));
  }

  private static long chunkSizeBytes(String chunkSize) {
    if (chunkSize == null) {
      return PoolSpec.DEFAULT_CHUNK_SIZE;
    }
    try {
      return Quantity.getAmountInBytes(new Quantity(chunkSize)).longValueExact();
    } catch (IllegalArgumentException | ArithmeticException e) {
      return -1;
    }
  }
}
