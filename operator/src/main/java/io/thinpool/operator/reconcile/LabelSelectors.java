package io.thinpool.operator.reconcile;

import io.thinpool.operator.api.NodeSelector;
import io.thinpool.operator.rules.SelectorRules;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Kubernetes label-selector semantics: matchLabels and matchExpressions, all must hold. */
final class LabelSelectors {

  private LabelSelectors() {}

  /** An absent or empty selector selects everything, as for a DaemonSet. */
  static boolean matches(NodeSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return true;
    }
    Map<String, String> actual = labels == null ? Map.of() : labels;
    if (selector.matchLabels != null
        && !selector.matchLabels.entrySet().stream()
            .allMatch(e -> e.getValue().equals(actual.get(e.getKey())))) {
      return false;
    }
    return selector.matchExpressions == null
        || selector.matchExpressions.stream().allMatch(r -> holds(r, actual));
  }

  /**
   * What is wrong with the selector by {@link SelectorRules}, which the schema checks at admission
   * too; empty when it is valid or absent.
   */
  static List<String> errors(NodeSelector selector) {
    if (selector == null) {
      return List.of();
    }
    return SelectorRules.errors(
        Objects.requireNonNullElse(selector.matchLabels, Map.of()),
        Objects.requireNonNullElse(selector.matchExpressions, List.<NodeSelector.Requirement>of())
            .stream()
            .map(r -> new SelectorRules.Requirement(r.key, r.operator, r.values))
            .toList());
  }

  private static boolean holds(NodeSelector.Requirement requirement, Map<String, String> labels) {
    String value = labels.get(requirement.key);
    List<String> values = Objects.requireNonNullElse(requirement.values, List.of());
    return switch (String.valueOf(requirement.operator)) {
      case SelectorRules.IN -> value != null && values.contains(value);
      case SelectorRules.NOT_IN -> value == null || !values.contains(value);
      case SelectorRules.EXISTS -> value != null;
      case SelectorRules.DOES_NOT_EXIST -> value == null;
      default -> false; // never reached: an invalid selector is refused before it selects
    };
  }
}
