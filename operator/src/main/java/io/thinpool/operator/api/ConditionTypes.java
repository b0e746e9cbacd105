package io.thinpool.operator.api;

/** The condition types of ThinPool and ThinPoolConfig; the schema's descriptions use them. */
public final class ConditionTypes {

  /** Both kinds: a ThinPool's pool is built as specified; all of a config's nodes are. */
  public static final String READY = "Ready";

  public static final String MONITORED = "Monitored";
  public static final String AUTOEXTEND_READY = "AutoextendReady";
  public static final String DEVICES_ACCEPTED = "DevicesAccepted";

  /** ThinPool: the kernel can write to the pool. Its reason is Healthy or one of the next three. */
  public static final String HEALTHY = "Healthy";

  public static final String OUT_OF_DATA_SPACE = "OutOfDataSpace";
  public static final String METADATA_READ_ONLY = "MetadataReadOnly";
  public static final String FAILED = "Failed";

  /** Healthy's and Ready's reason when the pool failed its metadata check at activation. */
  public static final String METADATA_DAMAGED = "MetadataDamaged";

  /** AutoextendReady's reason when dmeventd does not monitor the pool and the agent extends it. */
  public static final String AGENT_EXTENDS = "AgentExtends";

  public static final String CONFLICT = "Conflict";

  /**
   * ThinPool, while it is deleted with deletionPolicy Delete: the pool stays because it holds data
   * (reason PoolHoldsData, the message names the consent token) or a process has it open (reason
   * PoolOpen).
   */
  public static final String TEARDOWN_REFUSED = "TeardownRefused";

  /**
   * ThinPool, when the node's containerd gives the pool to its devmapper snapshotter: whether the
   * snapshotter loaded (reason SnapshotterLoaded) or not (SnapshotterNotLoaded: the pool was not
   * active when containerd started).
   */
  public static final String CONSUMER_READY = "ConsumerReady";

  /** Ready's reason while planOnly holds back the steps in status.plannedSteps. */
  public static final String PLAN_WAITING = "PlanWaiting";

  /** ThinPoolConfig: a node is degraded, refused, failed or in conflict. */
  public static final String DEGRADED = "Degraded";

  static final String THIN_POOL =
      "Kubernetes-style conditions: "
          + READY
          + " (the pool is built, matches the spec and is healthy; reason "
          + PLAN_WAITING
          + " while planOnly holds the steps back), "
          + MONITORED
          + " (dmeventd monitors the pool), "
          + AUTOEXTEND_READY
          + " (dmeventd, or else the agent with reason "
          + AGENT_EXTENDS
          + ", can extend the pool: the reason says why not, e.g. NoRoom), "
          + HEALTHY
          + " (the kernel can write to the pool; otherwise the reason is "
          + OUT_OF_DATA_SPACE
          + ", "
          + METADATA_READ_ONLY
          + ", "
          + FAILED
          + " or "
          + METADATA_DAMAGED
          + ": the message then names the token for status.metadataRepair), "
          + DEVICES_ACCEPTED
          + " (every device of the spec is in the volume group), "
          + CONFLICT
          + " (an older ThinPool on the node claims the same volume group or a device), "
          + CONSUMER_READY
          + " (the node's containerd keeps its snapshots in the pool and its devmapper"
          + " snapshotter loaded) and "
          + TEARDOWN_REFUSED
          + " (deletionPolicy Delete waits: the pool holds data, see the consent token in the"
          + " message, or is open).";

  static final String THIN_POOL_CONFIG =
      "Kubernetes-style conditions: "
          + READY
          + " (every selected node has a ready pool) and "
          + DEGRADED
          + " (some node is degraded, refused, failed or in conflict).";

  private ConditionTypes() {}
}
