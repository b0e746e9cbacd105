package io.thinpool.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Kubernetes-style conditions: one per type, sorted, lastTransitionTime kept unless status flips.
 */
public final class Conditions {

  private Conditions() {}

  /** A copy of {@code current} with the condition of {@code type} set. */
  static List<Condition> set(
      List<Condition> current,
      String type,
      boolean status,
      String reason,
      String message,
      Long observedGeneration,
      Instant now) {
    String value = status ? "True" : "False";
    String since =
        current.stream()
            .filter(c -> c.getType().equals(type) && c.getStatus().equals(value))
            .map(Condition::getLastTransitionTime)
            .findFirst()
            .orElse(now.toString());
    List<Condition> result =
        new ArrayList<>(current.stream().filter(c -> !c.getType().equals(type)).toList());
    result.add(
        new ConditionBuilder()
            .withType(type)
            .withStatus(value)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(observedGeneration)
            .withLastTransitionTime(since)
            .build());
    result.sort(Comparator.comparing(Condition::getType));
    return result;
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> c.getType().equals(type)).findFirst();
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return has(conditions, type, "True");
  }

  public static boolean isFalse(List<Condition> conditions, String type) {
    return has(conditions, type, "False");
  }

  private static boolean has(List<Condition> conditions, String type, String status) {
    return conditions.stream()
        .anyMatch(c -> c.getType().equals(type) && c.getStatus().equals(status));
  }
}
