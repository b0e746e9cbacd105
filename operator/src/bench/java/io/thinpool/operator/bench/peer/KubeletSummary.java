package io.thinpool.operator.bench.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.thinpool.operator.testnode.RealCluster;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A container's figures as the node's kubelet reports them (/stats/summary, through the API
 * server's node proxy): the working set, which limits and the OOM killer count, the RSS, and the
 * CPU time used so far.
 */
record KubeletSummary(long workingSetBytes, long rssBytes, long cpuNanos) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The figures of the container of this name in the first pod of this namespace that has it. */
  static KubeletSummary of(KubernetesClient client, String namespace, String container) {
    JsonNode summary;
    try {
      summary =
          JSON.readTree(client.raw("/api/v1/nodes/" + RealCluster.NODE + "/proxy/stats/summary"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (JsonNode pod : summary.path("pods")) {
      if (!pod.path("podRef").path("namespace").asText().equals(namespace)) {
        continue;
      }
      for (JsonNode c : pod.path("containers")) {
        if (c.path("name").asText().equals(container)) {
          return new KubeletSummary(
              c.path("memory").path("workingSetBytes").asLong(),
              c.path("memory").path("rssBytes").asLong(),
              c.path("cpu").path("usageCoreNanoSeconds").asLong());
        }
      }
    }
    throw new IllegalStateException(
        "the kubelet's summary has no container " + container + " in namespace " + namespace);
  }
}
