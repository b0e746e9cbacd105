package io.thinpool.operator.bench;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One KubernetesClient's API traffic as that client sees it: requests by verb and resource (named
 * as the API server's metrics name them, e.g. {@code APPLY thinpools/status}), request bodies sent
 * and response bytes received, watch streams included. An interceptor, so the operator code under
 * measurement runs unchanged; HTTP headers and TLS framing are not counted.
 */
final class ClientTraffic implements Interceptor {

  /** Requests and body bytes, for one kind of request or summed. */
  record Totals(long requests, long sent, long received) {

    static final Totals NONE = new Totals(0, 0, 0);

    long bytes() {
      return sent + received;
    }

    Totals plus(Totals other) {
      return new Totals(requests + other.requests, sent + other.sent, received + other.received);
    }

    Totals minus(Totals other) {
      return new Totals(requests - other.requests, sent - other.sent, received - other.received);
    }
  }

  private static final class Tally {
    final LongAdder requests = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder received = new LongAdder();

    Totals totals() {
      return new Totals(requests.sum(), sent.sum(), received.sum());
    }
  }

  private final Map<String, Tally> byKind = new ConcurrentHashMap<>();

  /** Counts through this client builder's requests. */
  void install(HttpClient.Builder builder) {
    builder.addOrReplaceInterceptor("thinpool-bench-traffic", this);
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    Tally tally = tally(request);
    tally.requests.increment();
    String body = request.bodyString();
    if (body != null) {
      tally.sent.add(body.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  @Override
  public AsyncBody.Consumer<List<ByteBuffer>> consumer(
      AsyncBody.Consumer<List<ByteBuffer>> consumer, HttpRequest request) {
    return new CountingConsumer(consumer, tally(request));
  }

  /** Everything so far, by kind of request. */
  Map<String, Totals> byKind() {
    Map<String, Totals> snapshot = new TreeMap<>();
    byKind.forEach((kind, tally) -> snapshot.put(kind, tally.totals()));
    return snapshot;
  }

  /** Everything so far, leaving out the kinds of request whose resource is in {@code except}. */
  Totals total(String... except) {
    List<String> left = Arrays.asList(except);
    return byKind.entrySet().stream()
        .filter(e -> !left.contains(resource(e.getKey())))
        .map(e -> e.getValue().totals())
        .reduce(Totals.NONE, Totals::plus);
  }

  /** The sum of several clients' traffic, by kind of request. */
  static Map<String, Totals> sum(Collection<ClientTraffic> clients) {
    Map<String, Totals> sum = new TreeMap<>();
    clients.forEach(c -> c.byKind().forEach((kind, t) -> sum.merge(kind, t, Totals::plus)));
    return sum;
  }

  /** {@code after - before}, kind by kind. */
  static Map<String, Totals> delta(Map<String, Totals> after, Map<String, Totals> before) {
    Map<String, Totals> delta = new TreeMap<>();
    after.forEach(
        (kind, t) -> {
          Totals d = t.minus(before.getOrDefault(kind, Totals.NONE));
          if (d.requests() != 0 || d.bytes() != 0) {
            delta.put(kind, d);
          }
        });
    return delta;
  }

  static Totals total(Map<String, Totals> byKind) {
    return byKind.values().stream().reduce(Totals.NONE, Totals::plus);
  }

  private Tally tally(HttpRequest request) {
    return byKind.computeIfAbsent(kind(request), k -> new Tally());
  }

  /** "VERB resource[/subresource]", as apiserver_request_total labels the request. */
  static String kind(HttpRequest request) {
    String[] path = request.uri().getPath().replaceAll("^/|/$", "").split("/");
    int start;
    if (path.length >= 2 && path[0].equals("api")) {
      start = 2; // /api/v1/...
    } else if (path.length >= 3 && path[0].equals("apis")) {
      start = 3; // /apis/<group>/<version>/...
    } else {
      return request.method() + " " + request.uri().getPath(); // /version, /metrics, ...
    }
    List<String> rest = Arrays.asList(path).subList(start, path.length);
    if (rest.size() > 2 && rest.get(0).equals("namespaces")) {
      rest = rest.subList(2, rest.size());
    }
    if (rest.isEmpty()) {
      return request.method() + " " + request.uri().getPath();
    }
    boolean named = rest.size() > 1;
    String resource = rest.get(0) + (rest.size() > 2 ? "/" + rest.get(2) : "");
    return verb(request, named) + " " + resource;
  }

  private static String verb(HttpRequest request, boolean named) {
    String query = request.uri().getRawQuery() == null ? "" : request.uri().getRawQuery();
    return switch (request.method()) {
      case "GET" -> query.contains("watch=true") ? "WATCH" : named ? "GET" : "LIST";
      case "POST" -> "CREATE";
      case "PUT" -> "UPDATE";
      case "PATCH" ->
          request instanceof StandardHttpRequest standard
                  && String.valueOf(standard.getContentType()).startsWith("application/apply-patch")
              ? "APPLY"
              : "PATCH";
      default -> request.method();
    };
  }

  /** The resource a kind of request is about: "thinpools" for "APPLY thinpools/status". */
  static String resource(String kind) {
    String target = kind.substring(kind.indexOf(' ') + 1);
    int slash = target.indexOf('/');
    return slash < 0 ? target : target.substring(0, slash);
  }

  /** Passes response bytes on, counting them; fabric8 unwraps consumers by their class. */
  private static final class CountingConsumer implements AsyncBody.Consumer<List<ByteBuffer>> {
    private final AsyncBody.Consumer<List<ByteBuffer>> delegate;
    private final Tally tally;

    CountingConsumer(AsyncBody.Consumer<List<ByteBuffer>> delegate, Tally tally) {
      this.delegate = delegate;
      this.tally = tally;
    }

    @Override
    public void consume(List<ByteBuffer> buffers, AsyncBody body) throws Exception {
      tally.received.add(buffers.stream().mapToLong(ByteBuffer::remaining).sum());
      delegate.consume(buffers, body);
    }

    @Override
    public <U> U unwrap(Class<U> target) {
      return target == CountingConsumer.class ? target.cast(this) : delegate.unwrap(target);
    }
  }
}
