package io.thinpool.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.thinpool.operator.Tiers;
import io.thinpool.operator.testk8s.KubeApi;
import io.thinpool.operator.testk8s.LocalKubeBinaries;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The chart's RBAC, asked of the real API server's authorizer (SubjectAccessReview): each identity
 * may do what it needs (the operator ITs run under these rules) and nothing more.
 */
@ExtendWith(LocalKubeBinaries.class)
@EnableKubeAPIServer(updateKubeConfigFile = false)
@Tag(Tiers.API)
class RbacIT {

  static KubernetesClient client;

  @BeforeAll
  static void installRbac() {
    KubeApi.installCrds(client);
    KubeApi.installChartRbac(client);
  }

  private static boolean allowed(
      String user,
      String verb,
      String group,
      String resource,
      String subresource,
      String namespace) {
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser(user)
            .addToGroups("system:serviceaccounts", "system:authenticated")
            .withNewResourceAttributes()
            .withVerb(verb)
            .withGroup(group)
            .withResource(resource)
            .withSubresource(subresource)
            .withNamespace(namespace)
            .endResourceAttributes()
            .endSpec()
            .build();
    return client.resource(review).create().getStatus().getAllowed();
  }

  @ParameterizedTest(name = "agent may {0} {2}{3} in {4}")
  @CsvSource({
    "watch,  thinpool.io, thinpools, '',     '',          true",
    "patch,  thinpool.io, thinpools, '',     '',          true",
    "patch,  thinpool.io, thinpools, status, '',          true",
    "create, '',          events,    '',     default,     true",
    "create, events.k8s.io, events,  '',     default,     true",
    "get,    '',          events,    '',     default,     true",
    "list,   '',          events,    '',     default,     false",
    "get,    admissionregistration.k8s.io, validatingadmissionpolicies, '', '', true",
    "delete, admissionregistration.k8s.io, validatingadmissionpolicies, '', '', false",
    "create, '',          events,    '',     kube-system, false",
    "create, '',          events,    '',     '',          false",
    "create, thinpool.io, thinpools, '',     '',          false",
    "delete, thinpool.io, thinpools, '',     '',          false",
    "get,    thinpool.io, thinpoolconfigs, '', '',        false",
    "list,   '',          nodes,     '',     '',          false",
    "get,    '',          secrets,   '',     '',          false",
    "create, coordination.k8s.io, leases, '', '',         false",
  })
  void theAgentMayOnlyWatchAndReportOnThinPools(
      String verb,
      String group,
      String resource,
      String subresource,
      String namespace,
      boolean expected) {
    assertThat(allowed(KubeApi.AGENT, verb, group, resource, subresource, namespace))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "controller may {0} {2}{3} in {4}")
  @CsvSource({
    "watch,  thinpool.io, thinpoolconfigs, '',         '',              true",
    "patch,  thinpool.io, thinpoolconfigs, status,     '',              true",
    "update, thinpool.io, thinpoolconfigs, finalizers, '',              true",
    "create, thinpool.io, thinpools,       '',         '',              true",
    "delete, thinpool.io, thinpools,       '',         '',              true",
    "list,   '',          nodes,           '',         '',              true",
    "update, coordination.k8s.io, leases,  '',         thinpool-system, true",
    "patch,  coordination.k8s.io, leases,  '',         thinpool-system, true",
    "update, coordination.k8s.io, leases,  '',         kube-system,     false",
    "create, thinpool.io, thinpoolconfigs, '',         '',              false",
    "delete, thinpool.io, thinpoolconfigs, '',         '',              false",
    "patch,  '',          nodes,           '',         '',              false",
    "get,    '',          secrets,         '',         '',              false",
    "patch,  thinpool.io, thinpools,       status,     '',              false",
  })
  void theControllerMayOnlyManageThinPoolsAndItsConfigsSummary(
      String verb,
      String group,
      String resource,
      String subresource,
      String namespace,
      boolean expected) {
    assertThat(allowed(KubeApi.CONTROLLER, verb, group, resource, subresource, namespace))
        .isEqualTo(expected);
  }

  @Test
  void noRuleUsesAWildcard() {
    for (String name :
        new String[] {
          "thinpool-agent",
          "thinpool-agent-events",
          "thinpool-controller",
          "thinpool-controller-leader-election"
        }) {
      ClusterRole role = client.rbac().clusterRoles().withName(name).get();
      assertThat(role.getRules())
          .isNotEmpty()
          .allSatisfy(
              rule -> {
                assertThat(rule.getVerbs()).doesNotContain("*");
                assertThat(rule.getResources()).doesNotContain("*");
                assertThat(rule.getApiGroups()).doesNotContain("*");
              });
    }
  }
}
