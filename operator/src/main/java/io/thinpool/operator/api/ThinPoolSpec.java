package io.thinpool.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** One node's pool: the config's parameters as resolved by the controller, plus the node. */
public class ThinPoolSpec extends PoolParameters {

  @Required
  @ValidationRule(value = "self == oldSelf", message = "nodeName is immutable")
  @JsonPropertyDescription("The node whose agent builds and watches this pool.")
  public String nodeName;
}
