package io.thinpool.operator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's configuration, read once from the environment the Helm chart sets.
 *
 * @param nodeName the agent's node (NODE_NAME, from the downward API)
 * @param refresh how often the agent re-observes usage without an API event
 * @param nodeSocket run node commands through this socket instead of nsenter (the demo VM)
 * @param leaseNamespace where the controller's leader-election lease lives (POD_NAMESPACE)
 * @param httpPort where /metrics, /healthz and /readyz are served (THINPOOL_HTTP_PORT)
 */
public record Settings(
    Optional<String> nodeName,
    Duration refresh,
    Optional<Path> nodeSocket,
    String leaseNamespace,
    int httpPort) {

  public static final String LEASE_NAME = "thinpool-controller";

  public static Settings fromEnvironment(Map<String, String> env) {
    return new Settings(
        Optional.ofNullable(env.get("NODE_NAME")).filter(s -> !s.isBlank()),
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("THINPOOL_REFRESH_SECONDS", "30"))),
        Optional.ofNullable(env.get("THINPOOL_NODE_SOCKET"))
            .filter(s -> !s.isBlank())
            .map(Path::of),
        env.getOrDefault("POD_NAMESPACE", "thinpool-system"),
        Integer.parseInt(env.getOrDefault("THINPOOL_HTTP_PORT", "8080")));
  }
}
