package io.thinpool.operator.status;

import io.thinpool.operator.api.ConditionTypes;
import io.thinpool.operator.lvm.PoolEngine;
import io.thinpool.operator.lvm.PoolReport;
import io.thinpool.operator.lvm.plan.Plan;
import io.thinpool.operator.lvm.plan.Step;
import java.util.stream.Collectors;

/**
 * Whether one engine outcome leaves the pool built and ready, and the Ready condition's reason and
 * message that say so or say why not.
 */
record Readiness(boolean built, boolean ready, String reason, String message) {

  static Readiness of(PoolEngine.Outcome outcome) {
    PoolReport report = outcome.report();
    Plan plan = outcome.plan();
    boolean built =
        outcome.status() == PoolEngine.Status.CONVERGED && report != null && report.poolExists();
    boolean ready = built && report.healthy();
    return switch (outcome.status()) {
      case CONVERGED ->
          new Readiness(
              built,
              ready,
              ready
                  ? "PoolReady"
                  : built ? ThinPoolStatuses.healthReason(report.health()) : "NoPool",
              ready
                  ? "pool " + report.volumeGroup() + " is built and matches the spec"
                  : built ? report.healthReason() : "no pool");
      case REFUSED ->
          new Readiness(
              built,
              ready,
              "Refused" + ThinPoolStatuses.camel(plan.refusal().reason().name()),
              plan.refusal().message());
      case FAILED ->
          new Readiness(
              built,
              ready,
              "HostCommand" + ThinPoolStatuses.camel(outcome.failure().kind().name()),
              outcome.failure().getMessage());
      case PLANNED ->
          new Readiness(
              built,
              ready,
              ConditionTypes.PLAN_WAITING,
              "planOnly: "
                  + plan.steps().size()
                  + " steps wait to be applied (status.plannedSteps); set planOnly to false to"
                  + " run them");
      case INCOMPLETE ->
          new Readiness(
              built,
              ready,
              "Incomplete",
              "steps still pending: "
                  + plan.steps().stream().map(Step::toString).collect(Collectors.joining("; ")));
    };
  }
}
