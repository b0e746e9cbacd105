package io.thinpool.operator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The table of scripts/bench-scale.sh: each N's {@link ScaleBenchmark} run prints its figures as
 * one {@link Row} line in its log; this reads the logs and prints one table of all the Ns.
 */
public final class ScaleTable {

  private static final String PREFIX = "scale-table|";

  private ScaleTable() {}

  /** A change's figures: seconds until every node showed it, requests and bytes per agent. */
  public record Change(double seconds, double requestsPerAgent, double bytesPerAgent) {}

  /** One N's figures; the idle ones are per minute. */
  public record Row(
      int agents,
      double startSeconds,
      double readySeconds,
      double idleRequestsPerAgent,
      double idleBytesPerAgent,
      double idleControllerRequests,
      double idleControllerBytes,
      double serverRequestsPerAgent,
      double serverBytesPerAgent,
      Change nodeSide,
      Change apiSide,
      long heapMib,
      int threads) {

    /** The line the benchmark prints and {@link #parse} reads back. */
    public String line() {
      return String.format(
          Locale.ROOT,
          PREFIX + "%d|%f|%f|%f|%f|%f|%f|%f|%f|%f|%f|%f|%f|%f|%f|%d|%d",
          agents,
          startSeconds,
          readySeconds,
          idleRequestsPerAgent,
          idleBytesPerAgent,
          idleControllerRequests,
          idleControllerBytes,
          serverRequestsPerAgent,
          serverBytesPerAgent,
          nodeSide.seconds(),
          nodeSide.requestsPerAgent(),
          nodeSide.bytesPerAgent(),
          apiSide.seconds(),
          apiSide.requestsPerAgent(),
          apiSide.bytesPerAgent(),
          heapMib,
          threads);
    }

    static Row parse(String line) {
      String[] f = line.substring(PREFIX.length()).split("\\|");
      return new Row(
          Integer.parseInt(f[0]),
          Double.parseDouble(f[1]),
          Double.parseDouble(f[2]),
          Double.parseDouble(f[3]),
          Double.parseDouble(f[4]),
          Double.parseDouble(f[5]),
          Double.parseDouble(f[6]),
          Double.parseDouble(f[7]),
          Double.parseDouble(f[8]),
          new Change(
              Double.parseDouble(f[9]), Double.parseDouble(f[10]), Double.parseDouble(f[11])),
          new Change(
              Double.parseDouble(f[12]), Double.parseDouble(f[13]), Double.parseDouble(f[14])),
          Long.parseLong(f[15]),
          Integer.parseInt(f[16]));
    }
  }

  /** Prints the table of the rows found in these logs, by N. */
  public static void main(String[] logs) throws IOException {
    List<Row> rows = new ArrayList<>();
    for (String log : logs) {
      Files.readAllLines(Path.of(log)).stream()
          .filter(l -> l.startsWith(PREFIX))
          .map(Row::parse)
          .forEach(rows::add);
    }
    rows.sort(Comparator.comparingInt(Row::agents));
    System.out.print(render(rows));
  }

  static String render(List<Row> rows) {
    StringBuilder out = new StringBuilder();
    out.append(
        """

        Idle, per minute: requests and body bytes (B) as each client counted them, per agent and for
        the one controller; the API server columns are all it served (every client, its own loopback
        traffic included) divided by N.
        """);
    out.append(
        String.format(
            "%6s | %10s %9s | %10s %9s | %13s %11s%n",
            "N", "req/agent", "B/agent", "req ctrl", "B ctrl", "server req/N", "server B/N"));
    for (Row r : rows) {
      out.append(
          String.format(
              Locale.ROOT,
              "%6d | %10.2f %9.0f | %10.1f %9.0f | %13.2f %11.0f%n",
              r.agents(),
              r.idleRequestsPerAgent(),
              r.idleBytesPerAgent(),
              r.idleControllerRequests(),
              r.idleControllerBytes(),
              r.serverRequestsPerAgent(),
              r.serverBytesPerAgent()));
    }
    out.append(
        """

        Changes: seconds until ThinPoolConfig.status shows the change on all N nodes, and the requests
        and body bytes each agent spent on it. Start: N agents started, informers synced; ready: config
        applied -> status N/N ready. Heap after GC and live threads of the benchmark JVM (all N agents).
        """);
    out.append(
        String.format(
            "%6s | %7s %7s | %11s %9s %8s | %11s %9s %8s | %8s %7s%n",
            "N",
            "start s",
            "ready s",
            "dmeventd s",
            "req/agent",
            "B/agent",
            "spec s",
            "req/agent",
            "B/agent",
            "heap MiB",
            "threads"));
    for (Row r : rows) {
      out.append(
          String.format(
              Locale.ROOT,
              "%6d | %7.1f %7.1f | %11.1f %9.2f %8.0f | %11.1f %9.2f %8.0f | %8d %7d%n",
              r.agents(),
              r.startSeconds(),
              r.readySeconds(),
              r.nodeSide().seconds(),
              r.nodeSide().requestsPerAgent(),
              r.nodeSide().bytesPerAgent(),
              r.apiSide().seconds(),
              r.apiSide().requestsPerAgent(),
              r.apiSide().bytesPerAgent(),
              r.heapMib(),
              r.threads()));
    }
    return out.toString();
  }
}
