package io.thinpool.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.thinpool.operator.api.ThinPool;
import io.thinpool.operator.api.ThinPoolConfig;
import io.thinpool.operator.reconcile.ThinPoolReconciler;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads once what a mode needs from the API server before anything starts, so that a wrong setup
 * (credentials rejected, CRDs missing, RBAC missing) ends the process with one line that names the
 * cause, rather than informers that retry forever behind 503 probes. The reads go over HTTP/1.1:
 * the API server closes an unauthenticated HTTP/2 connection with GOAWAY as it answers 401 (its
 * guard against HTTP/2 floods), and the JDK's client then reports "GOAWAY received", not the 401.
 */
final class StartupCheck {

  private static final Logger LOG = LoggerFactory.getLogger(StartupCheck.class);

  private static final String INSTALL_CRDS =
      "install the CRDs: kubectl apply --server-side --force-conflicts -f crds/";

  private StartupCheck() {}

  /** Why a mode cannot start, in one line. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The admission policies (and their bindings, of the same names) that keep each agent to its own
   * node's ThinPools, and to their status and finalizers: RBAC alone lets every agent write every
   * ThinPool.
   */
  static final List<String> AGENT_POLICIES =
      List.of("thinpool-agent-own-node", "thinpool-spec-by-controller");

  private static final String ADMISSION = "admissionregistration.k8s.io/v1";

  /**
   * The agent lists its node's ThinPools and, running as a service account (as its pods do), finds
   * the admission policies in place: without them a compromised node could rewrite another node's
   * pools, so the agent changes nothing and says what is missing.
   */
  static void agent(Config config, String nodeName) {
    try (KubernetesClient client = overHttp1(config)) {
      check(
          client,
          ThinPool.class,
          c ->
              c.resources(ThinPool.class)
                  .withLabelSelector(ThinPoolReconciler.selectorFor(nodeName))
                  .list(firstOnly()));
      if (runsAsServiceAccount(client)) {
        for (String name : AGENT_POLICIES) {
          for (String kind :
              List.of("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding")) {
            requireExists(client, kind, name);
          }
        }
      }
    }
  }

  /** Who the API server says the credentials are (a SelfSubjectReview, which anyone may ask). */
  private static boolean runsAsServiceAccount(KubernetesClient client) {
    try {
      String review =
          client.raw(
              client.getMasterUrl() + "apis/authentication.k8s.io/v1/selfsubjectreviews",
              "POST",
              Map.of("apiVersion", "authentication.k8s.io/v1", "kind", "SelfSubjectReview"));
      String user =
          client
              .getKubernetesSerialization()
              .unmarshal(review, GenericKubernetesResource.class)
              .get("status", "userInfo", "username");
      return user != null && user.startsWith("system:serviceaccount:");
    } catch (KubernetesClientException | IllegalArgumentException e) {
      LOG.warn(
          "cannot tell who the agent runs as, so its admission policies are not checked: {}",
          e.getMessage());
      return false;
    }
  }

  private static void requireExists(KubernetesClient client, String kind, String name) {
    GenericKubernetesResource found;
    try {
      found = client.genericKubernetesResources(ADMISSION, kind).withName(name).get();
    } catch (KubernetesClientException e) {
      if (!definite(e)) {
        LOG.warn("starting anyway, the informers retry: {}", e.getMessage());
        return;
      }
      throw new Failure(describe(e, client.getMasterUrl().toString(), null), e);
    }
    if (found == null) {
      throw new Failure(
          kind
              + " "
              + name
              + " is missing: it keeps each agent to its own node's ThinPools, so the agent"
              + " changes nothing without it. Install it with the chart (Kubernetes 1.30+) or"
              + " kubectl apply -f deploy/",
          null);
    }
  }

  /** The controller lists ThinPoolConfigs, ThinPools and Nodes, and reads its lease. */
  static void controller(Config config, String leaseNamespace) {
    try (KubernetesClient client = overHttp1(config)) {
      check(client, ThinPoolConfig.class, c -> c.resources(ThinPoolConfig.class).list(firstOnly()));
      check(client, ThinPool.class, c -> c.resources(ThinPool.class).list(firstOnly()));
      check(client, Node.class, c -> c.nodes().list(firstOnly()));
      check(
          client,
          null,
          c -> c.leases().inNamespace(leaseNamespace).withName(Settings.LEASE_NAME).get());
    }
  }

  private static KubernetesClient overHttp1(Config config) {
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(config).withHttp2Disable(true).build())
        .build();
  }

  /**
   * Fails on the API server's definite answers only (401, 403, 404). Without one — the server not
   * reachable yet, as after a node's reboot before kube-proxy has written the service's rules, or
   * busy (5xx) — the mode starts anyway: its informers retry and its probes say unready meanwhile,
   * where exiting would only add restarts and back-off.
   */
  private static void check(
      KubernetesClient client, Class<? extends HasMetadata> type, Consumer<KubernetesClient> read) {
    try {
      read.accept(client);
    } catch (KubernetesClientException e) {
      String why = describe(e, client.getMasterUrl().toString(), type);
      if (!definite(e)) {
        LOG.warn("starting anyway, the informers retry: {}", why);
        return;
      }
      throw new Failure(why, e);
    }
  }

  private static boolean definite(KubernetesClientException e) {
    return e.getCode() == 401 || e.getCode() == 403 || e.getCode() == 404;
  }

  /**
   * A failure of the operator's own start (an informer that cannot list or watch) as one line: the
   * API server's refusal if there is one in the chain, else the innermost message.
   */
  static Failure failure(RuntimeException e, String server) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getCode() > 0) {
        return new Failure(describe(k, server, null), e);
      }
    }
    return new Failure(rootMessage(e), e);
  }

  /** One line: what went wrong and what to do about it. */
  static String describe(KubernetesClientException e, String server, Class<?> type) {
    String said =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : rootMessage(e);
    return switch (e.getCode()) {
      case 401 ->
          "the API server at "
              + server
              + " rejected the credentials (401 Unauthorized): check the service account's token"
              + " (the account or its token may be gone, expired, or from another cluster)";
      case 403 ->
          "forbidden by RBAC (403): "
              + said
              + ": install the chart's ClusterRoles and their bindings";
      case 404 ->
          "the API server does not serve "
              + (type == null ? "this resource" : HasMetadata.getFullResourceName(type))
              + " (404): "
              + INSTALL_CRDS;
      default -> "cannot reach the API server at " + server + ": " + said;
    };
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  private static ListOptions firstOnly() {
    return new ListOptionsBuilder().withLimit(1L).build();
  }
}
