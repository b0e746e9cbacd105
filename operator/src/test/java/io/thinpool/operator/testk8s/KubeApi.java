package io.thinpool.operator.testk8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.thinpool.operator.api.ConditionTypes;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.status.Conditions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers for tests against the real kube-apiserver that fabric8's kube-api-test starts. */
public final class KubeApi {

  private KubeApi() {}

  /**
   * Fails loudly unless the locally built binaries are there: kube-api-test would otherwise try to
   * download them, which this project never does at test time.
   */
  public static void requireLocalBinaries() {
    String dir = System.getenv("KUBE_API_TEST_DIR");
    if (dir == null || !Files.isDirectory(Path.of(dir, "k8s"))) {
      throw new IllegalStateException(
          "KUBE_API_TEST_DIR must name the directory scripts/k8s/prepare.sh prints"
              + " (scripts/test.sh sets it): the API tests run a real kube-apiserver built locally");
    }
  }

  /** Installs the committed CRDs (crds/) and waits until the API server serves them. */
  public static void installCrds(KubernetesClient client) {
    try (var files = Files.list(Path.of("../crds"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        CustomResourceDefinition crd =
            client.apiextensions().v1().customResourceDefinitions().load(file.toFile()).item();
        client.resource(crd).fieldManager("thinpool-tests").forceConflicts().serverSideApply();
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(crd.getMetadata().getName())
            .waitUntilCondition(
                c ->
                    c.getStatus() != null
                        && c.getStatus().getConditions() != null
                        && c.getStatus().getConditions().stream()
                            .anyMatch(
                                cond ->
                                    cond.getType().equals("Established")
                                        && cond.getStatus().equals("True")),
                30,
                TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static final String AGENT = "system:serviceaccount:thinpool-system:thinpool-agent";
  public static final String CONTROLLER =
      "system:serviceaccount:thinpool-system:thinpool-controller";

  /**
   * The chart's service accounts and RBAC as Helm renders them: the ClusterRoles, their bindings to
   * the agent's and the controller's service accounts, and the lease RoleBinding in the release
   * namespace. Not the workloads, nor the admission policy (impersonated users carry no node).
   */
  public static void installChartRbac(KubernetesClient client) {
    Set<String> kinds =
        Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "RoleBinding");
    client
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(Chart.NAMESPACE)
                .endMetadata()
                .build())
        .fieldManager("thinpool-tests")
        .serverSideApply();
    Chart.objects(client, Chart.render(Map.of())).stream()
        .filter(o -> kinds.contains(o.getKind()))
        .forEach(
            o ->
                client
                    .resource(o)
                    .fieldManager("thinpool-tests")
                    .forceConflicts()
                    .serverSideApply());
  }

  /**
   * The controller's lease permission, in one namespace only, as the chart's RoleBinding grants it.
   */
  public static void bindLeaderElection(KubernetesClient client, String namespace) {
    client
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .fieldManager("thinpool-tests")
        .serverSideApply();
    client
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("thinpool-controller-leader-election")
                .withNamespace(namespace)
                .endMetadata()
                .withNewRoleRef(
                    "rbac.authorization.k8s.io",
                    "ClusterRole",
                    "thinpool-controller-leader-election")
                .addNewSubject()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("User")
                .withName(CONTROLLER)
                .endSubject()
                .build())
        .fieldManager("thinpool-tests")
        .forceConflicts()
        .serverSideApply();
  }

  /**
   * A client of its own that acts as {@code user}: what that identity's RBAC allows, nothing more.
   */
  public static KubernetesClient as(KubernetesClient admin, String user) {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(admin.getConfiguration())
                .withImpersonateUsername(user)
                .withImpersonateGroups("system:serviceaccounts", "system:authenticated")
                .build())
        .build();
  }

  /**
   * Runs the kubectl built beside the API server against it, as a user would, and returns what it
   * prints; a non-zero exit fails with that output. Credentials go to files in a temporary
   * directory, never to ~/.kube.
   */
  public static String kubectl(KubernetesClient client, String... args) {
    return kubectlIn(Path.of("."), client, List.of(args));
  }

  /** {@link #kubectl} run in {@code directory}, so relative paths read as a user's would. */
  public static String kubectlIn(Path directory, KubernetesClient client, List<String> args) {
    try {
      Path dir = Files.createTempDirectory("kubectl");
      var config = client.getConfiguration();
      writeCredentials(config, dir);
      List<String> argv =
          new ArrayList<>(
              List.of(
                  kubectlBinary().toString(),
                  "--server=" + config.getMasterUrl(),
                  "--certificate-authority=" + dir.resolve("ca.crt"),
                  "--client-certificate=" + dir.resolve("client.crt"),
                  "--client-key=" + dir.resolve("client.key")));
      argv.addAll(args);
      Process process =
          new ProcessBuilder(argv).directory(directory.toFile()).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException(
            "kubectl " + String.join(" ", args) + " exited " + process.exitValue() + ":\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path kubectlBinary() throws IOException {
    try (var versions = Files.list(Path.of(System.getenv("KUBE_API_TEST_DIR"), "k8s"))) {
      return versions.findFirst().orElseThrow().resolve("kubectl");
    }
  }

  /**
   * Writes the client's CA, certificate and key into {@code dir} as ca.crt, client.crt and
   * client.key, for a process that reads them from files (kubectl, the image).
   */
  public static void writeCredentials(Config config, Path dir) throws IOException {
    credential(dir.resolve("ca.crt"), config.getCaCertData(), config.getCaCertFile());
    credential(dir.resolve("client.crt"), config.getClientCertData(), config.getClientCertFile());
    credential(dir.resolve("client.key"), config.getClientKeyData(), config.getClientKeyFile());
  }

  /** The client's configuration holds each credential either inline (base64) or as a file. */
  private static void credential(Path target, String base64, String file) throws IOException {
    if (base64 != null) {
      Files.write(target, Base64.getDecoder().decode(base64));
    } else {
      Files.copy(Path.of(file), target);
    }
  }

  /**
   * Removes every object of the given kinds, finalizers first: between tests no agent or controller
   * is left to remove them, and there is no garbage collector.
   */
  /**
   * Annotates a ThinPool as {@code kubectl annotate --overwrite} does: a merge patch without a
   * resourceVersion, which the agent's status writes in between cannot make conflict.
   */
  public static void annotateThinPool(
      KubernetesClient client, String name, String annotation, String value) {
    String patch =
        client
            .getKubernetesSerialization()
            .asJson(Map.of("metadata", Map.of("annotations", Map.of(annotation, value))));
    client
        .resources(ThinPool.class)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  /** The consent token a TeardownRefused condition names, as a user copies it from the message. */
  public static String consentToken(ThinPool pool) {
    String message =
        Conditions.find(pool.getStatus().conditions, ConditionTypes.TEARDOWN_REFUSED)
            .orElseThrow()
            .getMessage();
    Matcher token =
        Pattern.compile(Pattern.quote(ThinPool.DESTROY_DATA_ANNOTATION) + "=(\\w+)")
            .matcher(message);
    if (!token.find()) {
      throw new AssertionError("no consent token in: " + message);
    }
    return token.group(1);
  }

  @SafeVarargs
  public static void deleteAll(KubernetesClient client, Class<? extends HasMetadata>... types) {
    for (var type : types) {
      for (var resource : client.resources(type).list().getItems()) {
        resource.getMetadata().setFinalizers(List.of());
        client.resource(resource).update();
      }
      client.resources(type).delete();
    }
  }

  /** The column names `kubectl get` shows for a resource: the server-side Table's columns. */
  public static List<String> printedColumns(KubernetesClient client, String path) {
    HttpRequest request =
        client
            .getHttpClient()
            .newHttpRequestBuilder()
            .uri(client.getMasterUrl().toString().replaceAll("/$", "") + path)
            .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
            .build();
    try {
      HttpResponse<String> response = client.getHttpClient().sendAsync(request, String.class).get();
      var table = client.getKubernetesSerialization().unmarshal(response.body(), Map.class);
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> columns =
          (List<Map<String, Object>>) table.get("columnDefinitions");
      return columns.stream().map(c -> String.valueOf(c.get("name"))).toList();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
