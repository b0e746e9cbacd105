package io.thinpool.operator.testnode;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Prometheus server (Debian's, extracted by scripts/install-test-deps.sh) beside the real
 * cluster's control plane, in its network namespace: it discovers the pods through the real API
 * server with a service account of its own (Kubernetes service discovery), scrapes them at their
 * pod addresses through the node, and evaluates the alert rules it is given. The test reads it
 * through its HTTP API on a loopback forwarder.
 */
public final class PrometheusServer {

  public static final Path BINARY = Path.of("/usr/local/lib/thinpool-test/prometheus");

  /** Scrapes and rule evaluations this often, so that a test waits seconds, not minutes. */
  public static final Duration INTERVAL = Duration.ofSeconds(5);

  private static final String NAMESPACE = "monitoring";
  private static final String ACCOUNT = "prometheus";
  private static final int PORT = 9090;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final HttpClient http = HttpClient.newHttpClient();
  private final URI base;

  private PrometheusServer(int localPort) {
    this.base = URI.create("http://127.0.0.1:" + localPort);
  }

  /**
   * Starts Prometheus with the scrape configs of {@code scrapeConfig} (a Prometheus config file
   * written for a Prometheus inside the cluster) and the rule groups of {@code rules}, and waits
   * until it is ready.
   */
  public static PrometheusServer start(
      ControlPlane plane, KubernetesClient admin, Path scrapeConfig, String rules) {
    Path dir = plane.workDirectory("prometheus");
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " is missing: run scripts/install-test-deps.sh (scripts/test.sh does)");
    }
    try {
      Files.createDirectories(dir);
      Path token = dir.resolve("token");
      Files.writeString(token, serviceAccountToken(admin));
      Path ruleFile = dir.resolve("rules.yaml");
      Files.writeString(ruleFile, rules);
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(config, config(scrapeConfig, ruleFile, token, plane.caCertificate()));
      plane.startBeside(
          "prometheus",
          List.of(
              BINARY.toString(),
              "--config.file=" + config,
              "--storage.tsdb.path=" + dir.resolve("data"),
              "--web.listen-address=127.0.0.1:" + PORT));
      PrometheusServer server =
          new PrometheusServer(plane.forward("prometheus", "127.0.0.1", PORT));
      server.awaitReady();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The result vector or matrix of an instant query; fails on a query Prometheus rejects. */
  public JsonNode query(String promql) {
    JsonNode answer =
        get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    if (!"success".equals(answer.path("status").asText())) {
      throw new IllegalArgumentException(
          "Prometheus rejected `" + promql + "`: " + answer.path("error").asText());
    }
    return answer.path("data").path("result");
  }

  /** The series of a range query, each with its {@code metric} labels and {@code values}. */
  public JsonNode queryRange(String promql, Instant start, Instant end, Duration step) {
    JsonNode answer =
        get(
            "/api/v1/query_range?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&start="
                + start.getEpochSecond()
                + "&end="
                + end.getEpochSecond()
                + "&step="
                + step.toSeconds());
    if (!"success".equals(answer.path("status").asText())) {
      throw new IllegalArgumentException(
          "Prometheus rejected `" + promql + "`: " + answer.path("error").asText());
    }
    return answer.path("data").path("result");
  }

  /** The alerts pending or firing now, each with its labels and {@code state}. */
  public List<JsonNode> alerts() {
    List<JsonNode> alerts = new ArrayList<>();
    get("/api/v1/alerts").path("data").path("alerts").forEach(alerts::add);
    return alerts;
  }

  /** The active scrape targets, each with its labels and {@code health}. */
  public List<JsonNode> targets() {
    List<JsonNode> targets = new ArrayList<>();
    get("/api/v1/targets?state=active").path("data").path("activeTargets").forEach(targets::add);
    return targets;
  }

  /** The rule groups Prometheus loaded. */
  public JsonNode rules() {
    return get("/api/v1/rules").path("data").path("groups");
  }

  private void awaitReady() {
    await("Prometheus ready")
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () ->
                http.send(
                            HttpRequest.newBuilder(base.resolve("/-/ready")).build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200);
  }

  private JsonNode get(String pathAndQuery) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(base + pathAndQuery)).build(),
              HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The shipped scrape configs, pointed at the API server from outside the cluster (its address, CA
   * and this server's token, which a Prometheus in the cluster takes from its pod), at the test's
   * pace, with the rules loaded.
   */
  private static String config(Path scrapeConfig, Path rules, Path token, Path ca)
      throws IOException {
    ObjectNode config = (ObjectNode) YAML.readTree(scrapeConfig.toFile());
    for (JsonNode job : config.path("scrape_configs")) {
      ((ObjectNode) job).put("scrape_interval", INTERVAL.toSeconds() + "s");
      for (JsonNode discovery : job.path("kubernetes_sd_configs")) {
        ObjectNode sd = (ObjectNode) discovery;
        sd.put("api_server", "https://" + ControlPlane.ADDRESS + ":6443");
        sd.putObject("authorization").put("credentials_file", token.toString());
        sd.putObject("tls_config").put("ca_file", ca.toString());
      }
    }
    config
        .putObject("global")
        .put("scrape_interval", INTERVAL.toSeconds() + "s")
        .put("evaluation_interval", INTERVAL.toSeconds() + "s");
    config.putArray("rule_files").add(rules.toString());
    return YAML.writeValueAsString(config);
  }

  /** What Prometheus in the cluster would have: a service account allowed to discover pods. */
  private static String serviceAccountToken(KubernetesClient admin) {
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .serverSideApply();
    admin
        .serviceAccounts()
        .inNamespace(NAMESPACE)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName(ACCOUNT)
                .withNamespace(NAMESPACE)
                .endMetadata()
                .build())
        .serverSideApply();
    admin
        .rbac()
        .clusterRoles()
        .resource(
            new ClusterRoleBuilder()
                .withNewMetadata()
                .withName("prometheus-discovery")
                .endMetadata()
                .withRules(
                    new PolicyRuleBuilder()
                        .withApiGroups("")
                        .withResources("endpoints", "services", "pods")
                        .withVerbs("get", "list", "watch")
                        .build(),
                    new PolicyRuleBuilder()
                        .withApiGroups("discovery.k8s.io")
                        .withResources("endpointslices")
                        .withVerbs("get", "list", "watch")
                        .build())
                .build())
        .serverSideApply();
    admin
        .rbac()
        .clusterRoleBindings()
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName("prometheus-discovery")
                .endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "prometheus-discovery")
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(ACCOUNT)
                .withNamespace(NAMESPACE)
                .endSubject()
                .build())
        .serverSideApply();
    return admin
        .serviceAccounts()
        .inNamespace(NAMESPACE)
        .withName(ACCOUNT)
        .tokenRequest(
            new TokenRequestBuilder()
                .withNewSpec()
                .withExpirationSeconds(Duration.ofHours(2).toSeconds())
                .endSpec()
                .build())
        .getStatus()
        .getToken();
  }
}
