package io.thinpool.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.thinpool.operator.lvm.HostCommandRunner;
import io.thinpool.operator.reconcile.ThinPoolConfigReconciler;
import io.thinpool.operator.reconcile.ThinPoolReconciler;
import java.time.Clock;
import java.time.Duration;

/** The one place where the two modes are wired: what each Operator watches and with what. */
public final class Operators {

  private Operators() {}

  /** The node agent: this node's ThinPools only (selected by label, server-side). */
  public static Operator agent(
      KubernetesClient client, String nodeName, HostCommandRunner node, Duration refresh) {
    Operator operator = new Operator(o -> o.withKubernetesClient(client));
    operator.register(
        new ThinPoolReconciler(nodeName, node, refresh, Clock.systemUTC()),
        o -> o.withLabelSelector(ThinPoolReconciler.selectorFor(nodeName)));
    return operator;
  }

  /**
   * The controller: leader-elected, so only one replica writes at a time. A replica that loses the
   * lease exits (and restarts as a follower) unless {@code exitWhenLeadershipLost} is false, which
   * only in-process tests want.
   */
  public static Operator controller(
      KubernetesClient client, String leaseNamespace, boolean exitWhenLeadershipLost) {
    LeaderElectionConfiguration leaderElection =
        LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(Settings.LEASE_NAME)
            .withLeaseNamespace(leaseNamespace)
            .withExitOnStopLeading(exitWhenLeadershipLost)
            .build();
    Operator operator =
        new Operator(
            o -> o.withKubernetesClient(client).withLeaderElectionConfiguration(leaderElection));
    operator.register(new ThinPoolConfigReconciler(Clock.systemUTC()));
    return operator;
  }
}
