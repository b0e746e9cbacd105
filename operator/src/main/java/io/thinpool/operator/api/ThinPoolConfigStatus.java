package io.thinpool.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** The summary the user watches, folded from the ThinPools by the controller. */
public class ThinPoolConfigStatus {

  @JsonPropertyDescription("The spec generation this status reflects.")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready nodes out of matched nodes, e.g. 3/3.")
  public String ready;

  @JsonPropertyDescription("Nodes the nodeSelector selects.")
  public Integer nodesMatched;

  @JsonPropertyDescription("Selected nodes whose ThinPool is Ready.")
  public Integer nodesReady;

  @JsonPropertyDescription(
      "Selected nodes whose ThinPool is degraded, refused, failed or in conflict, or that have none"
          + " because its name is taken.")
  public Integer nodesDegraded;

  @JsonPropertyDescription("The highest data usage in % over the nodes' pools.")
  public Double maxDataPercent;

  @JsonPropertyDescription("The node with that data usage.")
  public String maxDataPercentNode;

  @JsonPropertyDescription("The highest metadata usage in % over the nodes' pools.")
  public Double maxMetadataPercent;

  @JsonPropertyDescription("The node with that metadata usage.")
  public String maxMetadataPercentNode;

  @JsonPropertyDescription(ConditionTypes.THIN_POOL_CONFIG)
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "The nodes in the worst state first, at most 20; kubectl get tp lists them all.")
  public List<NodeSummary> nodes = new ArrayList<>();

  public static class NodeSummary {
    @JsonPropertyDescription("The node's name.")
    public String node;

    @JsonPropertyDescription("Its ThinPool's phase (Pending until the agent reports).")
    public String phase;

    @JsonPropertyDescription("Its pool's data usage in %.")
    public Double dataPercent;

    @JsonPropertyDescription("Its pool's metadata usage in %.")
    public Double metadataPercent;

    @JsonPropertyDescription("Its Ready condition's message.")
    public String message;
  }
}
