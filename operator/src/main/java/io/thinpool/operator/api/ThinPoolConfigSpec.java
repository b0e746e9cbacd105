package io.thinpool.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the user wants: a pool with these parameters on every node the selector matches. */
public class ThinPoolConfigSpec extends PoolParameters {

  @JsonPropertyDescription(
      "Nodes to build the pool on, as a DaemonSet's nodeSelector is written (matchLabels,"
          + " matchExpressions); absent or empty selects every node the agent runs on.")
  public NodeSelector nodeSelector;
}
