package io.thinpool.operator.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a node selector may say: Kubernetes' label syntax and its four operators. The API server
 * checks a Pod's selector itself but not one inside a custom resource, where an unknown operator
 * would silently select no node: the schema checks these rules, and the controller again.
 */
public final class SelectorRules {

  /** A label key: an optional DNS-subdomain prefix and "/", then a name of at most 63. */
  public static final String LABEL_KEY_PATTERN =
      "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
          + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";

  public static final int LABEL_KEY_PREFIX_MAX_LENGTH = 253;

  /** The longest key: a prefix of 253, the slash, a name of 63. */
  public static final int LABEL_KEY_MAX_LENGTH = 317;

  /** A label value: empty, or at most 63 characters, alphanumeric at both ends. */
  public static final String LABEL_VALUE_PATTERN =
      "^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$";

  public static final int LABEL_VALUE_MAX_LENGTH = 63;

  public static final int MAX_MATCH_LABELS = 16;
  public static final int MAX_MATCH_EXPRESSIONS = 16;
  public static final int MAX_VALUES = 64;

  public static final String IN = "In";
  public static final String NOT_IN = "NotIn";
  public static final String EXISTS = "Exists";
  public static final String DOES_NOT_EXIST = "DoesNotExist";

  public static final String NOT_A_LABEL_KEY =
      "is not a label key: an optional DNS subdomain and /, then up to 63 letters, digits and"
          + " - _ . starting and ending with a letter or digit (e.g. thinpool.io/storage)";

  public static final String NOT_A_LABEL_VALUE =
      "is not a label value: up to 63 letters, digits and - _ . starting and ending with a letter"
          + " or digit, or empty";

  public static final String NOT_AN_OPERATOR =
      "is not an operator: use In, NotIn, Exists or DoesNotExist";

  public static final String VALUES_REQUIRED = "In and NotIn need at least one value";

  public static final String VALUES_FORBIDDEN = "Exists and DoesNotExist take no values";

  private static final Pattern LABEL_KEY = Pattern.compile(LABEL_KEY_PATTERN);
  private static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_PATTERN);

  private SelectorRules() {}

  /** One of matchExpressions, as written. */
  public record Requirement(String key, String operator, List<String> values) {
    public Requirement {
      values = values == null ? List.of() : List.copyOf(values);
    }
  }

  /** Everything wrong with a node selector, each naming the field and the value; empty if none. */
  public static List<String> errors(
      Map<String, String> matchLabels, List<Requirement> expressions) {
    List<String> errors = new ArrayList<>();
    if (matchLabels.size() > MAX_MATCH_LABELS) {
      errors.add("nodeSelector.matchLabels: at most " + MAX_MATCH_LABELS + " labels");
    }
    matchLabels.forEach(
        (key, value) -> {
          if (!isLabelKey(key)) {
            errors.add(
                "nodeSelector.matchLabels: " + PoolRules.quoted(key) + " " + NOT_A_LABEL_KEY);
          }
          if (!isLabelValue(value)) {
            errors.add(
                "nodeSelector.matchLabels["
                    + key
                    + "]: "
                    + PoolRules.quoted(value)
                    + " "
                    + NOT_A_LABEL_VALUE);
          }
        });
    if (expressions.size() > MAX_MATCH_EXPRESSIONS) {
      errors.add(
          "nodeSelector.matchExpressions: at most " + MAX_MATCH_EXPRESSIONS + " expressions");
    }
    for (int i = 0; i < expressions.size(); i++) {
      errors.addAll(
          requirementErrors("nodeSelector.matchExpressions[" + i + "]", expressions.get(i)));
    }
    return errors;
  }

  private static List<String> requirementErrors(String field, Requirement requirement) {
    List<String> errors = new ArrayList<>();
    if (!isLabelKey(requirement.key())) {
      errors.add(field + ".key: " + PoolRules.quoted(requirement.key()) + " " + NOT_A_LABEL_KEY);
    }
    String operator = requirement.operator();
    boolean needsValues = IN.equals(operator) || NOT_IN.equals(operator);
    boolean takesNone = EXISTS.equals(operator) || DOES_NOT_EXIST.equals(operator);
    if (!needsValues && !takesNone) {
      errors.add(field + ".operator: " + PoolRules.quoted(operator) + " " + NOT_AN_OPERATOR);
    } else if (needsValues && requirement.values().isEmpty()) {
      errors.add(field + ".values: " + VALUES_REQUIRED);
    } else if (takesNone && !requirement.values().isEmpty()) {
      errors.add(field + ".values: " + VALUES_FORBIDDEN);
    }
    if (requirement.values().size() > MAX_VALUES) {
      errors.add(field + ".values: at most " + MAX_VALUES + " values");
    }
    for (String value : requirement.values()) {
      if (!isLabelValue(value)) {
        errors.add(field + ".values: " + PoolRules.quoted(value) + " " + NOT_A_LABEL_VALUE);
      }
    }
    return errors;
  }

  static boolean isLabelKey(String key) {
    if (key == null || key.length() > LABEL_KEY_MAX_LENGTH || !LABEL_KEY.matcher(key).matches()) {
      return false;
    }
    return key.indexOf('/') <= LABEL_KEY_PREFIX_MAX_LENGTH;
  }

  static boolean isLabelValue(String value) {
    return value != null
        && value.length() <= LABEL_VALUE_MAX_LENGTH
        && LABEL_VALUE.matcher(value).matches();
  }
}
