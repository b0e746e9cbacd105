package io.thinpool.operator.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * /metrics for Prometheus, and probes that reflect the operator's real state, never a constant 200:
 * /readyz is 200 once the operator has started and every informer is healthy (watching the API
 * server); /healthz is 200 while the operator runs (started, not stopped). Liveness is local on
 * purpose: an API server outage breaks every watch, and restarting every agent for it would not
 * mend the watches (fabric8 reconnects them) but would turn the outage into crash loops.
 */
public final class OperatorHttpServer implements AutoCloseable {

  private final HttpServer server;

  public OperatorHttpServer(int port, Operator operator, PrometheusMeterRegistry registry) {
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/metrics", exchange -> respond(exchange, 200, registry.scrape()));
    server.createContext(
        "/healthz",
        exchange -> probe(exchange, operator.getRuntimeInfo().isStarted(), "not running: stopped"));
    server.createContext(
        "/readyz",
        exchange ->
            probe(
                exchange,
                operator.getRuntimeInfo().isStarted()
                    && operator.getRuntimeInfo().allEventSourcesAreHealthy(),
                "not ready: informers not started or unhealthy"));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void probe(HttpExchange exchange, boolean ok, String whyNot) throws IOException {
    respond(exchange, ok ? 200 : 503, ok ? "ok\n" : whyNot + "\n");
  }

  private static void respond(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
