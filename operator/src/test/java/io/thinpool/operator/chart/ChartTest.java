package io.thinpool.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.thinpool.operator.Operators;
import io.thinpool.operator.testk8s.Chart;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The chart as Helm renders it: lint-clean, and the objects say what the product needs. */
class ChartTest {

  /** Only parses manifests; never connects. */
  private static final KubernetesClient PARSER = new KubernetesClientBuilder().build();

  @AfterAll
  static void closeParser() {
    PARSER.close();
  }

  private static List<HasMetadata> render(Map<String, Object> values) {
    return Chart.objects(PARSER, Chart.render(values));
  }

  private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
    List<HasMetadata> matching = objects.stream().filter(type::isInstance).toList();
    assertThat(matching).hasSize(1);
    return type.cast(matching.get(0));
  }

  private static EnvVar env(Container container, String name) {
    return container.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(container.getName() + " has no env " + name));
  }

  @Test
  void helmLintInStrictModeFindsNothing() {
    LintResult lint = new Helm(Chart.DIR).lint().strict().call();

    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void theAgentRunsPrivilegedInTheHostPidNamespaceOnEveryNodeWithRealProbes() {
    DaemonSet agent = only(render(Map.of()), DaemonSet.class);

    var pod = agent.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    assertThat(pod.getHostPID()).isTrue();
    assertThat(container.getSecurityContext().getPrivileged()).isTrue();
    assertThat(container.getArgs()).containsExactly("agent");
    assertThat(env(container, "NODE_NAME").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("spec.nodeName");
    assertThat(pod.getServiceAccountName()).isEqualTo("thinpool-agent");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(pod.getTolerations())
        .singleElement()
        .satisfies(t -> assertThat(t.getOperator()).isEqualTo("Exists"));
    assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
    assertThat(
            agent.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isEqualTo(1);
    assertThat(container.getImage()).isEqualTo("localhost/thinpool-operator:0.1.0");
    // The kubelet waits for the agent to let its longest command (a metadata repair) finish.
    assertThat(Duration.ofSeconds(pod.getTerminationGracePeriodSeconds()))
        .isGreaterThan(Operators.AGENT_SHUTDOWN_GRACE);
  }

  @Test
  void theAgentsPlacementResourcesAndSettingsComeFromValues() {
    DaemonSet agent =
        only(
            render(
                Map.of(
                    "image.repository", "registry.example/thinpool-operator",
                    "image.tag", "1.2.3",
                    "agent.nodeSelector.thinpool\\.io/storage", "true",
                    "agent.priorityClassName", "node-storage",
                    "agent.refreshSeconds", "10",
                    "agent.resources.limits.memory", "300Mi",
                    "agent.updateStrategy.rollingUpdate.maxUnavailable", "10%",
                    "agent.jvmOptions", "-Xmx64m")),
            DaemonSet.class);

    var pod = agent.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("registry.example/thinpool-operator:1.2.3");
    assertThat(pod.getNodeSelector()).containsEntry("thinpool.io/storage", "true");
    assertThat(pod.getPriorityClassName()).isEqualTo("node-storage");
    assertThat(env(container, "THINPOOL_REFRESH_SECONDS").getValue()).isEqualTo("10");
    assertThat(env(container, "JDK_JAVA_OPTIONS").getValue()).isEqualTo("-Xmx64m");
    assertThat(container.getResources().getLimits()).containsEntry("memory", new Quantity("300Mi"));
    assertThat(
            agent.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getStrVal())
        .isEqualTo("10%");
  }

  @Test
  void theControllerRunsUnprivilegedAndHoldsItsLeaseInTheReleaseNamespace() {
    List<HasMetadata> objects = render(Map.of("controller.replicas", "2"));
    Deployment controller = only(objects, Deployment.class);

    var pod = controller.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    assertThat(controller.getSpec().getReplicas()).isEqualTo(2);
    assertThat(container.getArgs()).containsExactly("controller");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(env(container, "POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    RoleBinding lease =
        Chart.ofKind(objects, "RoleBinding").stream()
            .map(RoleBinding.class::cast)
            .filter(b -> b.getRoleRef().getName().equals("thinpool-controller-leader-election"))
            .findFirst()
            .orElseThrow();
    assertThat(lease.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
    assertThat(lease.getRoleRef().getName()).isEqualTo("thinpool-controller-leader-election");
    assertThat(lease.getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo("thinpool-controller"));
  }

  @Test
  void eachServiceAccountIsBoundToItsOwnClusterRoleOnly() {
    List<HasMetadata> objects = render(Map.of());

    assertThat(Chart.ofKind(objects, "ClusterRoleBinding"))
        .map(ClusterRoleBinding.class::cast)
        .allSatisfy(
            binding ->
                assertThat(binding.getSubjects())
                    .singleElement()
                    .satisfies(
                        s -> {
                          assertThat(s.getKind()).isEqualTo("ServiceAccount");
                          assertThat(s.getName()).isEqualTo(binding.getRoleRef().getName());
                          assertThat(s.getNamespace()).isEqualTo(Chart.NAMESPACE);
                        }))
        .hasSize(2);
  }

  @Test
  void monitoringObjectsAreRenderedOnlyWhenAskedFor() throws IOException {
    assertThat(render(Map.of()))
        .extracting(HasMetadata::getKind)
        .doesNotContain("ServiceMonitor", "PrometheusRule")
        .contains("Service", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");

    List<HasMetadata> objects =
        render(
            Map.of(
                "metrics.serviceMonitor.enabled", "true",
                "metrics.serviceMonitor.labels.release", "prometheus",
                "prometheusRule.enabled", "true"));

    GenericKubernetesResource monitor =
        (GenericKubernetesResource) Chart.ofKind(objects, "ServiceMonitor").get(0);
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    assertThat(Serialization.asYaml(monitor.getAdditionalProperties().get("spec")))
        .contains("port: \"metrics\"");
    GenericKubernetesResource rule =
        (GenericKubernetesResource) Chart.ofKind(objects, "PrometheusRule").get(0);
    Object rulesFile =
        Serialization.unmarshal(
            Files.readString(Chart.DIR.resolve("files/prometheus-rules.yaml")), Map.class);
    assertThat(rule.getAdditionalProperties().get("spec")).isEqualTo(rulesFile);
  }

  @Test
  void theGrafanaDashboardIsAConfigMapTheSidecarFindsOnlyWhenAskedFor() throws IOException {
    assertThat(render(Map.of()))
        .noneMatch(o -> o.getMetadata().getName().equals("thinpool-operator-dashboard"));

    ConfigMap dashboard =
        (ConfigMap)
            render(Map.of("grafanaDashboard.enabled", "true")).stream()
                .filter(o -> o.getMetadata().getName().equals("thinpool-operator-dashboard"))
                .findFirst()
                .orElseThrow();

    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(dashboard.getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
    JsonNode shipped =
        new ObjectMapper().readTree(dashboard.getData().get("thinpool-operator.json"));
    assertThat(shipped)
        .isEqualTo(
            new ObjectMapper()
                .readTree(Chart.DIR.resolve("files/grafana-dashboard.json").toFile()));
    assertThat(shipped.path("uid").asText()).isEqualTo("thinpool-operator");
  }

  @Test
  void theAgentWritesEventsOnlyInTheNamespaceTheyGoTo() {
    RoleBinding events =
        Chart.ofKind(render(Map.of()), "RoleBinding").stream()
            .map(RoleBinding.class::cast)
            .filter(b -> b.getRoleRef().getName().equals("thinpool-agent-events"))
            .findFirst()
            .orElseThrow();

    assertThat(events.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(events.getSubjects())
        .singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo("thinpool-agent"));
  }

  @Test
  void theAdmissionPoliciesCannotBeLeftOutAndTheChartNeedsTheKubernetesThatHasThem()
      throws IOException {
    assertThat(render(Map.of("admissionPolicy.enabled", "false")))
        .extracting(HasMetadata::getKind)
        .contains("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding");
    assertThat(Files.readString(Chart.DIR.resolve("Chart.yaml")))
        .contains("kubeVersion: \">=1.30.0-0\"");
  }

  @Test
  void thePlainManifestsCreateTheAdmissionPoliciesBeforeTheAgents() {
    String manifests = Chart.plainManifests();

    assertThat(manifests.indexOf("kind: ValidatingAdmissionPolicyBinding"))
        .isPositive()
        .isLessThan(manifests.indexOf("kind: DaemonSet"))
        .isLessThan(manifests.indexOf("kind: Deployment"));
  }
}
