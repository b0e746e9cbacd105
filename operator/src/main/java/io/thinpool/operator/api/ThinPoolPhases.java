package io.thinpool.operator.api;

import java.util.List;

/** The phases a ThinPool's status takes; the schema's description is built from them. */
public final class ThinPoolPhases {

  public static final String PENDING = "Pending";
  public static final String READY = "Ready";
  public static final String DEGRADED = "Degraded";
  public static final String PLANNED = "Planned";
  public static final String REFUSED = "Refused";
  public static final String FAILED = "Failed";
  public static final String CONFLICT = "Conflict";

  /** Every phase, in the order the description gives them. */
  public static final List<String> ALL =
      List.of(PENDING, READY, DEGRADED, PLANNED, REFUSED, FAILED, CONFLICT);

  static final String DESCRIPTION =
      "One word for the pool: "
          + PENDING
          + " (no pool yet), "
          + READY
          + " (built as specified, monitored, autoextend can fire, every device used), "
          + DEGRADED
          + " (built, but unhealthy (see the Healthy condition), autoextend cannot fire, a device"
          + " was left out or a step is still pending), "
          + PLANNED
          + " (planOnly: the steps the agent would run are in plannedSteps; nothing was changed), "
          + REFUSED
          + " (the agent will not act until the spec or the node changes: the Ready condition says"
          + " why), "
          + FAILED
          + " (a host command failed: lastError) or "
          + CONFLICT
          + " (an older ThinPool on the node claims the same volume group or a device: nothing is"
          + " touched).";

  private ThinPoolPhases() {}
}
