package io.thinpool.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.thinpool.operator.lvm.PoolEngine;
import io.thinpool.operator.lvm.host.DeviceMapperEvents;
import io.thinpool.operator.lvm.host.HostCommandRunner;
import io.thinpool.operator.lvm.host.NsenterCommandRunner;
import io.thinpool.operator.metrics.PoolMetrics;
import io.thinpool.operator.reconcile.ThinPoolConfigReconciler;
import io.thinpool.operator.reconcile.ThinPoolReconciler;
import java.time.Clock;
import java.time.Duration;

/** The one place where the two modes are wired: what each Operator watches and with what. */
public final class Operators {

  /**
   * Reconcile threads per Operator. JOSDK's default pool grows a thread per reconcile up to 50 and
   * keeps them: an agent would end with 50 idle threads (stacks, RSS) for one node whose LVM
   * commands take a global lock anyway, and the controller has a handful of configs.
   */
  static final int RECONCILE_THREADS = 2;

  /**
   * How long a stopping agent lets a reconcile finish: the longest command it may be running (a
   * metadata repair) and the time that command then has to stop on SIGTERM. JOSDK's default is
   * none: SIGTERM would interrupt the reconcile and stop an lvconvert half-way. An idle agent stops
   * at once. Below the chart's terminationGracePeriodSeconds, so the kubelet does not kill it first
   * (ChartTest).
   */
  public static final Duration AGENT_SHUTDOWN_GRACE =
      PoolEngine.REPAIR_TIMEOUT.plus(NsenterCommandRunner.STOP_GRACE);

  private Operators() {}

  /**
   * The node agent: this node's ThinPools only (selected by label, server-side), its host commands
   * timed and its pools' series in {@code registry}.
   */
  public static Operator agent(
      KubernetesClient client,
      String nodeName,
      HostCommandRunner node,
      Duration refresh,
      MeterRegistry registry) {
    PoolMetrics metrics = new PoolMetrics(registry, nodeName);
    Operator operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withConcurrentReconciliationThreads(RECONCILE_THREADS)
                    .withReconciliationTerminationTimeout(AGENT_SHUTDOWN_GRACE));
    operator.register(
        new ThinPoolReconciler(
            nodeName,
            metrics.metered(node),
            new DeviceMapperEvents(node),
            refresh,
            Clock.systemUTC(),
            metrics),
        // The refresh is also JOSDK's longest gap between reconciles: after its retries of a
        // failing status write run out, it would otherwise wait its default ten hours.
        o ->
            o.withLabelSelector(ThinPoolReconciler.selectorFor(nodeName))
                .withReconciliationMaxInterval(refresh));
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
            o ->
                o.withKubernetesClient(client)
                    .withConcurrentReconciliationThreads(RECONCILE_THREADS)
                    .withLeaderElectionConfiguration(leaderElection));
    operator.register(new ThinPoolConfigReconciler(client, Clock.systemUTC()));
    return operator;
  }
}
