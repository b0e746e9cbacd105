package io.thinpool.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.thinpool.operator.testk8s.Chart;
import io.thinpool.operator.testk8s.KubeApi;
import io.thinpool.operator.testk8s.LocalKubeBinaries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar as the image runs it, started against the real kube-apiserver with what goes wrong in
 * real installs: credentials the server rejects, RBAC that is missing, CRDs that are not there
 * (installed only by the last test, after that one ran), admission policies that are not there.
 * Each time the process ends on its own, non-zero, and its last line names the cause.
 */
@ExtendWith(LocalKubeBinaries.class)
@EnableKubeAPIServer(updateKubeConfigFile = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag(Tiers.API)
class StartupFailuresIT {

  static KubernetesClient client;

  private static final Path JAR = Path.of("target/thinpool-operator.jar");

  @TempDir Path kube;

  record Exit(int status, List<String> lines) {
    String last() {
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
  }

  @Test
  void whenTheApiServerRejectsTheToken_thenTheAgentExitsSayingSo() throws Exception {
    Exit exit = run("agent", withToken("not-a-token-this-server-issued"));

    assertThat(exit.status()).isEqualTo(Main.CANNOT_START);
    assertThat(exit.last())
        .startsWith("thinpool-operator agent cannot start: the API server at")
        .contains("rejected the credentials (401 Unauthorized)");
  }

  @Test
  void whenRbacGrantsNothing_thenTheAgentExitsNamingWhatIsForbidden() throws Exception {
    Exit exit = run("agent", withToken(tokenOfAServiceAccountWithoutRoles()));

    assertThat(exit.status()).isEqualTo(Main.CANNOT_START);
    assertThat(exit.last())
        .startsWith("thinpool-operator agent cannot start: forbidden by RBAC (403)")
        .contains("system:serviceaccount:default:nobody")
        .contains("thinpools")
        .contains("install the chart's ClusterRoles and their bindings");
  }

  @Test
  @Order(1)
  void whenTheCrdsAreMissing_thenTheAgentAndTheControllerExitSayingHowToInstallThem()
      throws Exception {
    Path admin = withClientCertificate();

    for (String mode : List.of("agent", "controller")) {
      Exit exit = run(mode, admin);

      assertThat(exit.status()).as(mode).isEqualTo(Main.CANNOT_START);
      assertThat(exit.last())
          .as(mode)
          .startsWith("thinpool-operator " + mode + " cannot start: the API server does not serve")
          .contains(".thinpool.io (404)")
          .endsWith("kubectl apply --server-side --force-conflicts -f crds/");
    }
  }

  @Test
  @Order(2)
  void whenTheAdmissionPoliciesAreMissing_thenTheAgentChangesNothingAndSaysWhichOne()
      throws Exception {
    // The chart's CRDs and RBAC, without its admission policies (as with an older chart's values).
    KubeApi.installCrds(client);
    KubeApi.installChartRbac(client);

    Exit exit = run("agent", withToken(tokenOf(Chart.NAMESPACE, "thinpool-agent")));

    assertThat(exit.status()).isEqualTo(Main.CANNOT_START);
    assertThat(exit.last())
        .startsWith("thinpool-operator agent cannot start: ValidatingAdmissionPolicy")
        .contains("thinpool-agent-own-node is missing")
        .contains("changes nothing without it");
  }

  /** Runs the jar in {@code mode} with {@code kubeconfig}; it must end by itself. */
  private Exit run(String mode, Path kubeconfig) throws IOException, InterruptedException {
    assertThat(JAR).as("the jar, built by mvn package before the integration tests").exists();
    Path output = kube.resolve(mode + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                mode)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    Map<String, String> env = builder.environment();
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("NODE_NAME", "node-a");
    env.put("POD_NAMESPACE", "default");
    env.put("THINPOOL_HTTP_PORT", "0");
    Process process = builder.start();
    try {
      assertThat(process.waitFor(60, TimeUnit.SECONDS))
          .as("the process ends by itself; output: %s", Files.readString(output))
          .isTrue();
    } finally {
      process.destroyForcibly();
    }
    return new Exit(process.exitValue(), Files.readAllLines(output, StandardCharsets.UTF_8));
  }

  private String tokenOfAServiceAccountWithoutRoles() {
    client
        .serviceAccounts()
        .inNamespace("default")
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName("nobody").endMetadata().build())
        .serverSideApply();
    return tokenOf("default", "nobody");
  }

  private String tokenOf(String namespace, String serviceAccount) {
    return client
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(serviceAccount)
        .tokenRequest(
            new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L).endSpec().build())
        .getStatus()
        .getToken();
  }

  private Path withToken(String token) throws IOException {
    KubeApi.writeCredentials(client.getConfiguration(), kube);
    return kubeconfig("token: \"" + token + "\"");
  }

  private Path withClientCertificate() throws IOException {
    KubeApi.writeCredentials(client.getConfiguration(), kube);
    return kubeconfig(
        "client-certificate: "
            + kube.resolve("client.crt")
            + ", client-key: "
            + kube.resolve("client.key"));
  }

  private Path kubeconfig(String user) throws IOException {
    Path config = kube.resolve("config-" + System.nanoTime());
    Files.writeString(
        config,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster: {server: "%s", certificate-authority: %s}
        users:
        - name: test
          user: {%s}
        contexts:
        - name: test
          context: {cluster: test, user: test}
        current-context: test
        """
            .formatted(client.getConfiguration().getMasterUrl(), kube.resolve("ca.crt"), user));
    return config;
  }
}
