package io.thinpool.operator.rules;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * One thing wrong with a pool's spec, as data: the fields at fault (by their names in the resource;
 * two when the rule is about their sum), the value as the messages show it (quoted when it is text;
 * null when the rule is about how many, not which), and what is wrong, in words that name what is
 * allowed. The engine's refusal (and so the status) and the command line each render it with their
 * own names for the fields.
 */
public record Violation(List<String> fields, String value, String problem) {

  public Violation {
    fields = List.copyOf(fields);
  }

  public static Violation of(String field, String value, String problem) {
    return new Violation(List.of(field), value, problem);
  }

  /** In the resource's words, e.g. {@code devices: '/dev/sd b' is not …}. */
  public String describe() {
    return describe(UnaryOperator.identity());
  }

  /** With each field named by {@code name} (the command line names its options). */
  public String describe(UnaryOperator<String> name) {
    return fields.stream().map(name).collect(Collectors.joining(" + "))
        + ": "
        + (value == null ? "" : value + " ")
        + problem;
  }
}
