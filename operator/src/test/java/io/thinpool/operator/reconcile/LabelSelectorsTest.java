package io.thinpool.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorsTest {

  private static final Map<String, String> STORAGE =
      Map.of("thinpool.io/storage", "true", "zone", "a");

  @Test
  void anAbsentOrEmptySelectorSelectsEveryNode() {
    assertThat(LabelSelectors.matches(null, STORAGE)).isTrue();
    assertThat(LabelSelectors.matches(new LabelSelector(), Map.of())).isTrue();
  }

  @Test
  void matchLabelsAndEachOperatorBehaveAsKubernetesDefinesThem() {
    assertThat(
            LabelSelectors.matches(
                new LabelSelectorBuilder().addToMatchLabels("zone", "a").build(), STORAGE))
        .isTrue();
    assertThat(
            LabelSelectors.matches(
                new LabelSelectorBuilder().addToMatchLabels("zone", "b").build(), STORAGE))
        .isFalse();
    assertThat(matches("In", "zone", "a", "c")).isTrue();
    assertThat(matches("NotIn", "zone", "a")).isFalse();
    assertThat(matches("NotIn", "rack", "r1")).isTrue();
    assertThat(matches("Exists", "thinpool.io/storage")).isTrue();
    assertThat(matches("DoesNotExist", "thinpool.io/storage")).isFalse();
  }

  @Test
  void anExpressionWithoutAKnownOperatorSelectsNothingInsteadOfFailing() {
    assertThat(matches(null, "zone", "a")).isFalse();
    assertThat(matches("in", "zone", "a")).isFalse();
  }

  private static boolean matches(String operator, String key, String... values) {
    LabelSelector selector =
        new LabelSelector(
            List.of(new LabelSelectorRequirement(key, operator, List.of(values))), null);
    return LabelSelectors.matches(selector, STORAGE);
  }
}
