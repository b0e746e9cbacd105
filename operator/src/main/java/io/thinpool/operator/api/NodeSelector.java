package io.thinpool.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.thinpool.operator.rules.SelectorRules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kubernetes label selector as a DaemonSet's is written, with its rules in the schema: the API
 * server checks a Pod's selector itself, but not one inside a custom resource.
 */
public class NodeSelector {

  @Size(max = SelectorRules.MAX_MATCH_LABELS)
  @ValidationRule(
      value = Cel.LABEL_KEYS,
      messageExpression = Cel.NOT_LABEL_KEYS,
      message = Cel.A_VALUE + SelectorRules.NOT_A_LABEL_KEY)
  @ValidationRule(
      value = Cel.LABEL_VALUES,
      messageExpression = Cel.NOT_LABEL_VALUES,
      message = Cel.A_VALUE + SelectorRules.NOT_A_LABEL_VALUE)
  @JsonPropertyDescription("Labels a node must carry, each with this value.")
  public Map<String, @Size(max = SelectorRules.LABEL_VALUE_MAX_LENGTH) String> matchLabels =
      new LinkedHashMap<>();

  @Size(max = SelectorRules.MAX_MATCH_EXPRESSIONS)
  @JsonPropertyDescription("Requirements a node's labels must meet, all of them.")
  public List<Requirement> matchExpressions = new ArrayList<>();

  /** One requirement on a label: {@code key operator values}. */
  @ValidationRule(
      value = Cel.VALUES_WHEN_REQUIRED,
      message = SelectorRules.VALUES_REQUIRED,
      fieldPath = ".values")
  @ValidationRule(
      value = Cel.NONE_WHEN_FORBIDDEN,
      message = SelectorRules.VALUES_FORBIDDEN,
      fieldPath = ".values")
  public static class Requirement {
    @Required
    @Size(max = SelectorRules.LABEL_KEY_MAX_LENGTH)
    @ValidationRule(
        value = Cel.SELF_IS_LABEL_KEY,
        messageExpression = Cel.NOT_A_LABEL_KEY,
        message = Cel.A_VALUE + SelectorRules.NOT_A_LABEL_KEY)
    @JsonPropertyDescription("The label's key, e.g. thinpool.io/storage.")
    public String key;

    @Required
    @Size(max = 16)
    @ValidationRule(
        value = Cel.OPERATOR,
        messageExpression = Cel.NOT_AN_OPERATOR,
        message = Cel.A_VALUE + SelectorRules.NOT_AN_OPERATOR)
    @JsonPropertyDescription(
        "In or NotIn (with values), Exists or DoesNotExist (without): how the label must be.")
    public String operator;

    @Size(max = SelectorRules.MAX_VALUES)
    @ValidationRule(
        value = Cel.VALUES_ARE_LABEL_VALUES,
        messageExpression = Cel.NOT_VALUES_ARE_LABEL_VALUES,
        message = Cel.A_VALUE + SelectorRules.NOT_A_LABEL_VALUE)
    @JsonPropertyDescription("The values for In and NotIn.")
    public List<@Size(max = SelectorRules.LABEL_VALUE_MAX_LENGTH) String> values =
        new ArrayList<>();
  }
}
