package io.thinpool.operator.reconcile;

import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.lvm.plan.Plan;

/**
 * Why deletionPolicy Delete left a pool on its node, in the words of the TeardownRefused condition:
 * for a pool that holds data, the one command that consents to destroying exactly that.
 *
 * @param reason the condition's reason
 */
record TeardownRefusal(String reason, String message) {

  static TeardownRefusal of(ThinPool pool, Plan.Refusal refusal) {
    return switch (refusal.reason()) {
      case POOL_HOLDS_DATA ->
          new TeardownRefusal(
              "PoolHoldsData",
              refusal.message()
                  + ". To destroy it with everything in it: kubectl annotate thinpool "
                  + pool.getMetadata().getName()
                  + " "
                  + ThinPool.DESTROY_DATA_ANNOTATION
                  + "="
                  + refusal.consentToken());
      case DEVICE_IN_USE -> new TeardownRefusal("PoolOpen", refusal.message());
      case VOLUMES_EXIST -> new TeardownRefusal("VolumesExist", refusal.message());
      default -> new TeardownRefusal("TeardownRefused", refusal.message());
    };
  }
}
