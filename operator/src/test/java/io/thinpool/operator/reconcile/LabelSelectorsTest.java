package io.thinpool.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.thinpool.operator.api.NodeSelector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorsTest {

  private static final Map<String, String> STORAGE =
      Map.of("thinpool.io/storage", "true", "zone", "a");

  @Test
  void anAbsentOrEmptySelectorSelectsEveryNode() {
    assertThat(LabelSelectors.matches(null, STORAGE)).isTrue();
    assertThat(LabelSelectors.matches(new NodeSelector(), Map.of())).isTrue();
  }

  @Test
  void matchLabelsAndEachOperatorBehaveAsKubernetesDefinesThem() {
    assertThat(LabelSelectors.matches(labels("zone", "a"), STORAGE)).isTrue();
    assertThat(LabelSelectors.matches(labels("zone", "b"), STORAGE)).isFalse();
    assertThat(matches("In", "zone", "a", "c")).isTrue();
    assertThat(matches("NotIn", "zone", "a")).isFalse();
    assertThat(matches("NotIn", "rack", "r1")).isTrue();
    assertThat(matches("Exists", "thinpool.io/storage")).isTrue();
    assertThat(matches("DoesNotExist", "thinpool.io/storage")).isFalse();
  }

  @Test
  void whenAnOperatorIsUnknownThenTheSelectorIsInvalidRatherThanSelectingNothingQuietly() {
    assertThat(LabelSelectors.errors(expression("in", "zone", "a")))
        .containsExactly(
            "nodeSelector.matchExpressions[0].operator: 'in' is not an operator: use In, NotIn,"
                + " Exists or DoesNotExist");
    assertThat(LabelSelectors.errors(expression("In", "zone"))).hasSize(1);
    assertThat(LabelSelectors.errors(labels("thinpool.io/storage", "true"))).isEmpty();
    assertThat(LabelSelectors.errors(null)).isEmpty();
  }

  private static NodeSelector labels(String key, String value) {
    NodeSelector selector = new NodeSelector();
    selector.matchLabels.put(key, value);
    return selector;
  }

  private static NodeSelector expression(String operator, String key, String... values) {
    NodeSelector.Requirement requirement = new NodeSelector.Requirement();
    requirement.key = key;
    requirement.operator = operator;
    requirement.values = List.of(values);
    NodeSelector selector = new NodeSelector();
    selector.matchExpressions.add(requirement);
    return selector;
  }

  private static boolean matches(String operator, String key, String... values) {
    return LabelSelectors.matches(expression(operator, key, values), STORAGE);
  }
}
