package io.thinpool.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LabelSelector;

/** What the user wants: a pool with these parameters on every node the selector matches. */
public class ThinPoolConfigSpec extends PoolParameters {

  @JsonPropertyDescription(
      "Nodes to build the pool on; empty selects every node the agent runs on.")
  public LabelSelector nodeSelector;
}
