package io.thinpool.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** The summary the user watches, folded from the ThinPools by the controller. */
public class ThinPoolConfigStatus {

  public Long observedGeneration;

  @JsonPropertyDescription("Ready nodes out of matched nodes, e.g. 3/3.")
  public String ready;

  public Integer nodesMatched;
  public Integer nodesReady;
  public Integer nodesDegraded;
  public Double maxDataPercent;
  public String maxDataPercentNode;
  public Double maxMetadataPercent;
  public String maxMetadataPercentNode;

  @JsonPropertyDescription("Ready and Degraded.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The nodes in the worst state first, capped.")
  public List<NodeSummary> nodes = new ArrayList<>();

  public static class NodeSummary {
    public String node;
    public String phase;
    public Double dataPercent;
    public Double metadataPercent;
    public String message;
  }
}
