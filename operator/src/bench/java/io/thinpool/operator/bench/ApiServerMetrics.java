package io.thinpool.operator.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

/**
 * The API server's own view of its traffic, from its /metrics: requests, response bytes and watch
 * event bytes, each by "VERB resource[/subresource]" as {@link ClientTraffic} names them, plus its
 * memory and goroutines. Non-resource requests (/metrics itself, /version, ...) are left out.
 */
final class ApiServerMetrics {

  static final String REQUESTS = "apiserver_request_total";
  static final String RESPONSE_BYTES = "apiserver_response_sizes_sum";
  static final String REQUEST_BODY_BYTES = "apiserver_request_body_size_bytes_sum";
  static final String WATCH_EVENT_BYTES = "apiserver_watch_events_sizes_sum";
  static final String WATCH_EVENTS = "apiserver_watch_events_total";
  private static final String RSS = "process_resident_memory_bytes";
  private static final String GOROUTINES = "go_goroutines";

  /** Family, then kind of request, then the summed value. */
  private final Map<String, Map<String, Double>> families;

  private ApiServerMetrics(Map<String, Map<String, Double>> families) {
    this.families = families;
  }

  static ApiServerMetrics scrape(KubernetesClient admin) {
    HttpRequest request =
        admin
            .getHttpClient()
            .newHttpRequestBuilder()
            .uri(admin.getMasterUrl().toString().replaceAll("/$", "") + "/metrics")
            .build();
    try {
      return parse(admin.getHttpClient().sendAsync(request, String.class).get().body());
    } catch (ExecutionException e) {
      throw new IllegalStateException("scraping the API server's /metrics", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The Prometheus text format: {@code name{label="value",...} number}, one sample a line. */
  static ApiServerMetrics parse(String text) {
    Map<String, Map<String, Double>> families = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name =
          brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
      String kind;
      switch (name) {
        case REQUESTS, RESPONSE_BYTES, REQUEST_BODY_BYTES -> {
          Map<String, String> labels = labels(line.substring(brace + 1, line.lastIndexOf('}')));
          String resource = labels.getOrDefault("resource", "");
          if (resource.isEmpty()) {
            continue;
          }
          String subresource = labels.getOrDefault("subresource", "");
          kind =
              labels.getOrDefault("verb", "?")
                  + " "
                  + resource
                  + (subresource.isEmpty() ? "" : "/" + subresource);
        }
        case WATCH_EVENT_BYTES, WATCH_EVENTS -> {
          Map<String, String> labels = labels(line.substring(brace + 1, line.lastIndexOf('}')));
          kind = "WATCH " + labels.getOrDefault("resource", labels.getOrDefault("kind", "?"));
        }
        case RSS, GOROUTINES -> kind = "";
        default -> {
          continue;
        }
      }
      families
          .computeIfAbsent(name, n -> new TreeMap<>())
          .merge(kind, Double.parseDouble(line.substring(space + 1)), Double::sum);
    }
    return new ApiServerMetrics(families);
  }

  private static Map<String, String> labels(String text) {
    Map<String, String> labels = new LinkedHashMap<>();
    int i = 0;
    while (i < text.length()) {
      int eq = text.indexOf('=', i);
      String key = text.substring(i, eq).trim();
      StringBuilder value = new StringBuilder();
      int j = eq + 2; // past ="
      while (text.charAt(j) != '"') {
        value.append(text.charAt(j) == '\\' ? text.charAt(++j) : text.charAt(j));
        j++;
      }
      labels.put(key, value.toString());
      i = j + 2; // past ",
    }
    return labels;
  }

  /** The counters' increase since {@code before}; the gauges as they are now. */
  ApiServerMetrics since(ApiServerMetrics before) {
    Map<String, Map<String, Double>> delta = new HashMap<>();
    families.forEach(
        (family, values) -> {
          Map<String, Double> earlier = before.families.getOrDefault(family, Map.of());
          Map<String, Double> changed = new TreeMap<>();
          values.forEach(
              (kind, value) -> {
                boolean gauge = family.equals(RSS) || family.equals(GOROUTINES);
                double d = gauge ? value : value - earlier.getOrDefault(kind, 0.0);
                if (d != 0) {
                  changed.put(kind, d);
                }
              });
          delta.put(family, changed);
        });
    return new ApiServerMetrics(delta);
  }

  Map<String, Double> byKind(String family) {
    return families.getOrDefault(family, Map.of());
  }

  double sum(String family) {
    return byKind(family).values().stream().mapToDouble(Double::doubleValue).sum();
  }

  boolean has(String family) {
    return families.containsKey(family);
  }

  /** Everything the API server sent and received: response and request bodies, watch events. */
  double bytes() {
    return sum(RESPONSE_BYTES) + sum(REQUEST_BODY_BYTES) + sum(WATCH_EVENT_BYTES);
  }

  long residentBytes() {
    return (long) sum(RSS);
  }

  long goroutines() {
    return (long) sum(GOROUTINES);
  }
}
