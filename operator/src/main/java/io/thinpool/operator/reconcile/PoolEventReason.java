package io.thinpool.operator.reconcile;

import io.thinpool.operator.status.ThinPoolStatuses;

/**
 * The reasons of the Events the agent records for what it did or saw, each Normal or Warning. A
 * condition that changed is recorded under the condition's own reason instead.
 */
enum PoolEventReason {
  ADOPTED(false),
  POOL_CREATED(false),
  POOL_GROWN(false),
  RESCUED_FROM_FULL(true),
  EXTENDED_BY_AGENT(false),
  MONITORING_RESTORED(false),
  EXTENDED(false),
  METADATA_REPAIRED(false),
  METADATA_REPAIR_FAILED(true),
  METADATA_REPAIR_NOT_RUN(true),
  REPAIR_REQUEST_IGNORED(true),
  TEARDOWN_SKIPPED(true),
  TORN_DOWN(false),
  NOT_OURS(true),
  TEARDOWN_REFUSED(true);

  private final boolean warning;

  PoolEventReason(boolean warning) {
    this.warning = warning;
  }

  boolean warning() {
    return warning;
  }

  /** POOL_CREATED → PoolCreated, as Kubernetes writes reasons. */
  String reason() {
    return ThinPoolStatuses.camel(name());
  }
}
