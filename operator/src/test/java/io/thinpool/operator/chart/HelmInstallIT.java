package io.thinpool.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.marcnuri.helm.Release;
import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubeapitest.junit.KubeConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.thinpool.operator.Operators;
import io.thinpool.operator.Tiers;
import io.thinpool.operator.api.ConditionTypes;
import io.thinpool.operator.api.PoolParameters;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolSpec;
import io.thinpool.operator.api.ThinPoolStatus;
import io.thinpool.operator.lvm.FakeLvmNode;
import io.thinpool.operator.status.Conditions;
import io.thinpool.operator.testk8s.Chart;
import io.thinpool.operator.testk8s.KubeApi;
import io.thinpool.operator.testk8s.LocalKubeBinaries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code helm install} of the chart into the real kube-apiserver, then its admission policies at
 * work: agents authenticate with service-account tokens bound to pods on two nodes, as the kubelet
 * mounts them, and each may change only its own node's ThinPools, and of those only status and
 * finalizers; only the controller may write a ThinPool's spec. (No kubelet runs here, so the pods
 * never start; the API server still binds tokens to them and to their nodes.)
 */
@ExtendWith(LocalKubeBinaries.class)
@EnableKubeAPIServer(updateKubeConfigFile = false)
@Tag(Tiers.API)
class HelmInstallIT {

  static KubernetesClient client;
  @KubeConfig static String kubeConfigYaml;

  private static Release release;
  private static final List<KubernetesClient> clients = new ArrayList<>();

  @BeforeAll
  static void helmInstall() {
    release = Chart.install(Chart.DIR, kubeConfigYaml);
    for (String node : List.of("node-a", "node-b")) {
      client
          .resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build())
          .create();
      controller().resource(pool(node)).create();
    }
    awaitThePolicy();
  }

  /**
   * The policy takes effect shortly after install (the API server loads it asynchronously): every
   * test runs once it refuses.
   */
  private static void awaitThePolicy() {
    KubernetesClient unbound = unboundAgent();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> withFinalizer(unbound, "node-a"))
                    .isInstanceOf(KubernetesClientException.class));
  }

  /** The controller as RBAC and admission see it: its service account's user. */
  private static KubernetesClient controller() {
    KubernetesClient controller = KubeApi.as(client, KubeApi.CONTROLLER);
    clients.add(controller);
    return controller;
  }

  /** The agent's service account with a token bound to no pod, so to no node. */
  private static KubernetesClient unboundAgent() {
    return withToken(
        tokenFor(
            new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L).endSpec().build()));
  }

  @AfterAll
  static void closeClients() {
    clients.forEach(KubernetesClient::close);
  }

  private static ThinPool pool(String node) {
    ThinPool pool = new ThinPool();
    pool.setMetadata(
        new ObjectMetaBuilder()
            .withName(ThinPool.nameFor("runbook", node))
            .withLabels(
                Map.of(
                    ThinPool.NODE_LABEL,
                    ThinPool.labelValue(node),
                    ThinPool.CONFIG_LABEL,
                    "runbook"))
            .build());
    ThinPoolSpec spec = new ThinPoolSpec();
    spec.nodeName = node;
    spec.devices = List.of("/dev/sdb");
    spec.dataPercentOfVg = 40;
    pool.setSpec(spec);
    return pool;
  }

  /**
   * A client that authenticates as the agent's pod on {@code node} does: with a token the API
   * server binds to that pod (and so to its node), not by impersonation.
   */
  private static KubernetesClient agentOn(String node) {
    Pod pod =
        client
            .pods()
            .inNamespace(Chart.NAMESPACE)
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("thinpool-agent-" + node + "-" + clients.size())
                    .endMetadata()
                    .withNewSpec()
                    .withNodeName(node)
                    .withServiceAccountName("thinpool-agent")
                    .addNewContainer()
                    .withName("agent")
                    .withImage("localhost/thinpool-operator:0.1.0")
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
    TokenRequest request =
        new TokenRequestBuilder()
            .withNewSpec()
            .withExpirationSeconds(600L)
            .withNewBoundObjectRef()
            .withApiVersion("v1")
            .withKind("Pod")
            .withName(pod.getMetadata().getName())
            .withUid(pod.getMetadata().getUid())
            .endBoundObjectRef()
            .endSpec()
            .build();
    return withToken(tokenFor(request));
  }

  private static String tokenFor(TokenRequest request) {
    return client
        .serviceAccounts()
        .inNamespace(Chart.NAMESPACE)
        .withName("thinpool-agent")
        .tokenRequest(request)
        .getStatus()
        .getToken();
  }

  private static KubernetesClient withToken(String token) {
    KubernetesClient agent =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(Config.empty())
                    .withMasterUrl(client.getMasterUrl().toString())
                    .withTrustCerts(true)
                    .withOauthToken(token)
                    .build())
            .build();
    clients.add(agent);
    return agent;
  }

  private static ThinPool withFinalizer(KubernetesClient as, String node) {
    return as.resources(ThinPool.class)
        .withName(ThinPool.nameFor("runbook", node))
        .edit(
            p -> {
              p.addFinalizer("thinpool.io/agent");
              return p;
            });
  }

  @Test
  void helmInstallCreatesEveryObjectOfTheChart() {
    assertThat(release.getStatus()).isEqualTo("deployed");
    List<HasMetadata> rendered = Chart.objects(client, Chart.render(Map.of()));
    assertThat(rendered).hasSizeGreaterThan(10);
    for (HasMetadata object : rendered) {
      assertThat(client.resource(object).get())
          .as("%s %s", object.getKind(), object.getMetadata().getName())
          .isNotNull();
    }
    assertThat(client.resources(ThinPool.class).list().getItems()).hasSize(2);
  }

  @Test
  void eachAgentMayChangeOnlyTheThinPoolsOfTheNodeItsTokenIsBoundTo() {
    KubernetesClient agentA = agentOn("node-a");
    KubernetesClient agentB = agentOn("node-b");

    assertThatThrownBy(() -> withFinalizer(agentA, "node-b"))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(
            "the thinpool agent of node node-a may change only ThinPools whose"
                + " spec.nodeName is node-a");

    assertThat(withFinalizer(agentA, "node-a").getMetadata().getFinalizers())
        .contains("thinpool.io/agent");
    assertThat(withFinalizer(agentB, "node-b").getMetadata().getFinalizers())
        .contains("thinpool.io/agent");
    assertThatThrownBy(() -> withFinalizer(agentB, "node-a"))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("node node-b may change only");
    assertThatThrownBy(
            () ->
                agentB
                    .resources(ThinPool.class)
                    .withName(ThinPool.nameFor("runbook", "node-a"))
                    .editStatus(
                        p -> {
                          p.setStatus(new ThinPoolStatus());
                          p.getStatus().phase = "Ready";
                          return p;
                        }))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("node node-b may change only");
  }

  @Test
  void anAgentTokenThatIsNotBoundToAPodIsRefused() {
    assertThatThrownBy(() -> withFinalizer(unboundAgent(), "node-a"))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("must use the service-account token of a pod on a node");
  }

  @Test
  void theRealAgentBuildsItsNodesPoolUnderThePolicy() {
    Operator agent =
        Operators.agent(
            agentOn("node-a"),
            "node-a",
            new FakeLvmNode(2L * 1024 * 1024 * 1024, "/dev/sdb"),
            Duration.ofSeconds(1),
            new SimpleMeterRegistry());
    agent.start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                ThinPool pool =
                    client
                        .resources(ThinPool.class)
                        .withName(ThinPool.nameFor("runbook", "node-a"))
                        .get();
                return pool.getStatus() != null
                    && Conditions.isTrue(pool.getStatus().conditions, "Ready");
              });
    } finally {
      agent.stop();
    }
  }

  @Test
  void anAgentMayChangeItsOwnNodesStatusAndFinalizersButNeverTheSpecOrLabels() {
    KubernetesClient agentA = agentOn("node-a");

    assertThatThrownBy(
            () ->
                edit(
                    agentA,
                    "node-a",
                    p -> p.getSpec().deletionPolicy = PoolParameters.DeletionPolicy.Delete))
        .isInstanceOf(KubernetesClientException.class)
        // Both policies refuse it; either may be the one the API server reports.
        .hasMessageMatching(
            "(?s).*(may change a ThinPool's status and finalizers only"
                + "|is the thinpool controller's copy).*");
    assertThatThrownBy(
            () ->
                edit(
                    agentA, "node-a", p -> p.getMetadata().getLabels().remove(ThinPool.NODE_LABEL)))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("may change a ThinPool's status and finalizers only");
    assertThat(withFinalizer(agentA, "node-a").getMetadata().getFinalizers())
        .contains("thinpool.io/agent");
  }

  @Test
  void onlyTheControllerMayCreateAThinPoolOrChangeItsSpec() {
    assertThatThrownBy(() -> edit(client, "node-b", p -> p.getSpec().dataPercentOfVg = 60))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(
            "the spec of ThinPool runbook.node-b is the thinpool controller's copy of its"
                + " ThinPoolConfig: change the ThinPoolConfig instead");
    ThinPool handMade = pool("node-c");
    assertThatThrownBy(() -> client.resource(handMade).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("ThinPools are made by the thinpool controller");

    // Labels stay an administrator's; the spec stays the controller's to write.
    assertThat(
            edit(client, "node-b", p -> p.getMetadata().getLabels().put("team", "storage"))
                .getMetadata()
                .getLabels())
        .containsEntry("team", "storage");
    assertThat(edit(controller(), "node-b", p -> p.getSpec().zeroing = true).getSpec().zeroing)
        .isTrue();
    edit(controller(), "node-b", p -> p.getSpec().zeroing = false);
  }

  @Test
  void whenSomeoneEditsAPoolsSpecByHandTheEditIsRefusedAndTheAgentNeverActsOnIt() {
    FakeLvmNode node = new FakeLvmNode(2L * 1024 * 1024 * 1024, "/dev/sdb");
    Operator agent =
        Operators.agent(
            agentOn("node-b"), "node-b", node, Duration.ofSeconds(1), new SimpleMeterRegistry());
    agent.start();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> built("node-b"));
      long size = current("node-b").getStatus().pool.sizeBytes;
      int commands = node.commands().size();

      assertThatThrownBy(() -> edit(client, "node-b", p -> p.getSpec().dataPercentOfVg = 60))
          .isInstanceOf(KubernetesClientException.class)
          .hasMessageContaining("change the ThinPoolConfig instead");

      // The agent keeps observing the node every second and changes nothing.
      await().atMost(Duration.ofSeconds(10)).until(() -> node.commands().size() > commands + 6);
      assertThat(node.commands().subList(commands, node.commands().size()))
          .noneMatch(c -> c.startsWith("lvextend"));
      ThinPool after = current("node-b");
      assertThat(after.getSpec().dataPercentOfVg).isEqualTo(40);
      assertThat(after.getStatus().pool.sizeBytes).isEqualTo(size);
      assertThat(after.getStatus().autoextend.extensionsObserved).isZero();
    } finally {
      agent.stop();
    }
  }

  private static ThinPool current(String node) {
    return client.resources(ThinPool.class).withName(ThinPool.nameFor("runbook", node)).get();
  }

  private static boolean built(String node) {
    ThinPool pool = current(node);
    return pool.getStatus() != null
        && pool.getStatus().pool != null
        && Conditions.isTrue(pool.getStatus().conditions, ConditionTypes.READY);
  }

  private static ThinPool edit(KubernetesClient as, String node, Consumer<ThinPool> change) {
    return as.resources(ThinPool.class)
        .withName(ThinPool.nameFor("runbook", node))
        .edit(
            p -> {
              change.accept(p);
              return p;
            });
  }
}
