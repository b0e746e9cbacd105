package io.thinpool.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.thinpool.operator.api.ThinPool;
import java.util.Optional;

/**
 * The calls the controller makes on ThinPools, and nothing else: the seam between what it decides
 * to write and the API server, so a plain test can stand in for the server.
 */
interface ThinPoolApi {

  /** The controller's name as the owner of the fields it applies. */
  String FIELD_MANAGER = "thinpool-controller";

  /** The ThinPool of that name as the API server has it now (a direct read, not the cache). */
  Optional<ThinPool> read(String name);

  /** Server-side apply as the controller, which owns every field of a ThinPool's spec. */
  void apply(ThinPool desired);

  void delete(String name);

  /** Removes the agent's finalizer: what the agent of a node that is gone can no longer do. */
  void removeAgentFinalizer(String name);

  /** The API server behind {@code client}. */
  static ThinPoolApi of(KubernetesClient client) {
    return new ThinPoolApi() {
      @Override
      public Optional<ThinPool> read(String name) {
        return Optional.ofNullable(client.resources(ThinPool.class).withName(name).get());
      }

      @Override
      public void apply(ThinPool desired) {
        client.resource(desired).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
      }

      @Override
      public void delete(String name) {
        client.resources(ThinPool.class).withName(name).delete();
      }

      @Override
      public void removeAgentFinalizer(String name) {
        client
            .resources(ThinPool.class)
            .withName(name)
            .edit(
                pool -> {
                  pool.getMetadata().getFinalizers().remove(ThinPoolReconciler.FINALIZER);
                  return pool;
                });
      }
    };
  }
}
