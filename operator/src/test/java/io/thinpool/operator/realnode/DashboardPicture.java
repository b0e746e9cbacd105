package io.thinpool.operator.realnode;

import com.fasterxml.jackson.databind.JsonNode;
import io.thinpool.operator.testnode.PrometheusServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A picture of the chart's Grafana dashboard drawn from a real Prometheus: each panel where its
 * gridPos puts it, each of its queries run over the given window, time series as lines, stats as
 * their last values, gauges as bars. No Grafana runs here, so this is the dashboard's layout and
 * data, not Grafana's rendering of it; the README shows the one a real run drew.
 */
final class DashboardPicture {

  private static final int COLUMN = 50;
  private static final int ROW = 30;
  private static final String[] COLOURS = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"
  };
  private static final int LABEL_WIDTH = 260;

  /** Legend entries shown under a time series; the panel has room for no more. */
  private static final int LEGEND_ENTRIES = 4;

  private static final Pattern LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");

  private final PrometheusServer prometheus;
  private final Instant start;
  private final Instant end;
  private final Duration step;
  private final StringBuilder svg = new StringBuilder();

  private DashboardPicture(PrometheusServer prometheus, Instant start, Instant end) {
    this.prometheus = prometheus;
    this.start = start;
    this.end = end;
    this.step = Duration.ofSeconds(Math.max(5, Duration.between(start, end).toSeconds() / 120));
  }

  /** The dashboard as an SVG document, its queries run from {@code start} to {@code end}. */
  static String draw(JsonNode dashboard, PrometheusServer prometheus, Instant start, Instant end) {
    return new DashboardPicture(prometheus, start, end).draw(dashboard);
  }

  private String draw(JsonNode dashboard) {
    int bottom = 0;
    for (JsonNode panel : dashboard.path("panels")) {
      JsonNode grid = panel.path("gridPos");
      bottom = Math.max(bottom, grid.path("y").asInt() + grid.path("h").asInt());
    }
    int width = 24 * COLUMN;
    int height = bottom * ROW + 40;
    svg.append(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n"
                .formatted(width, height))
        .append("<rect width=\"100%\" height=\"100%\" fill=\"#f7f8fa\"/>\n")
        .append(
            text(
                8,
                22,
                16,
                dashboard.path("title").asText()
                    + " — drawn from a real Prometheus, "
                    + Duration.between(start, end).toMinutes()
                    + " min of ThinPoolPrometheusIT",
                "bold"));
    for (JsonNode panel : dashboard.path("panels")) {
      JsonNode grid = panel.path("gridPos");
      int x = grid.path("x").asInt() * COLUMN;
      int y = grid.path("y").asInt() * ROW + 32;
      int w = grid.path("w").asInt() * COLUMN;
      int h = grid.path("h").asInt() * ROW;
      String type = panel.path("type").asText();
      if (type.equals("row")) {
        svg.append(text(x + 8, y + 20, 13, panel.path("title").asText(), "bold"));
        continue;
      }
      svg.append(
          "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"white\" stroke=\"#d0d4da\"/>\n"
              .formatted(x + 4, y + 4, w - 8, h - 8));
      svg.append(text(x + 12, y + 20, 12, panel.path("title").asText(), "bold"));
      List<Series> series = series(panel);
      switch (type) {
        case "timeseries" -> lines(series, x + 12, y + 30, w - 24, h - 64, unit(panel));
        case "bargauge" -> bars(series, x + 12, y + 30, w - 24, unit(panel));
        default -> values(series, x + 12, y + 30, w - 24, unit(panel));
      }
    }
    return svg.append("</svg>\n").toString();
  }

  /** One line of a panel: its legend and its points (seconds since start, value). */
  private record Series(String legend, List<double[]> points) {
    double last() {
      return points.isEmpty() ? Double.NaN : points.get(points.size() - 1)[1];
    }
  }

  private List<Series> series(JsonNode panel) {
    List<Series> all = new ArrayList<>();
    for (JsonNode target : panel.path("targets")) {
      String expr = target.path("expr").asText().replace("$node", ".*").replace("$pool", ".*");
      for (JsonNode result : prometheus.queryRange(expr, start, end, step)) {
        List<double[]> points = new ArrayList<>();
        for (JsonNode value : result.path("values")) {
          double v = value.get(1).asDouble();
          if (!Double.isNaN(v)) {
            points.add(new double[] {value.get(0).asDouble() - start.getEpochSecond(), v});
          }
        }
        all.add(new Series(legend(target.path("legendFormat").asText(), result), points));
      }
    }
    return all;
  }

  private static String legend(String format, JsonNode result) {
    Matcher label = LABEL.matcher(format);
    StringBuilder legend = new StringBuilder();
    while (label.find()) {
      label.appendReplacement(
          legend, Matcher.quoteReplacement(result.path("metric").path(label.group(1)).asText()));
    }
    label.appendTail(legend);
    return legend.toString().strip();
  }

  private void lines(List<Series> series, int x, int y, int w, int h, String unit) {
    double span = Duration.between(start, end).toSeconds();
    double max =
        series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[1]).max().orElse(1);
    double top = max <= 0 ? 1 : max * 1.1;
    svg.append(
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#aaa\"/>\n"
            .formatted(x, y + h, x + w, y + h));
    svg.append(text(x + w - 60, y + 10, 10, format(top, unit), "normal"));
    for (int i = 0; i < series.size(); i++) {
      StringBuilder points = new StringBuilder();
      for (double[] p : series.get(i).points()) {
        points.append(
            String.format(Locale.ROOT, "%.1f,%.1f ", x + p[0] / span * w, y + h - p[1] / top * h));
      }
      svg.append(
          "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>\n"
              .formatted(COLOURS[i % COLOURS.length], points.toString().strip()));
      if (i >= LEGEND_ENTRIES) {
        continue;
      }
      svg.append(
          text(
              x + (i % 2) * (w / 2),
              y + h + 14 + (i / 2) * 12,
              10,
              "— " + series.get(i).legend() + " " + format(series.get(i).last(), unit),
              "normal",
              COLOURS[i % COLOURS.length]));
    }
  }

  private void bars(List<Series> series, int x, int y, int w, String unit) {
    double max =
        series.stream().mapToDouble(Series::last).filter(v -> !Double.isNaN(v)).max().orElse(1);
    double full = unit.equals("percentunit") ? 1 : Math.max(max, 1e-9);
    for (int i = 0; i < series.size(); i++) {
      double value = series.get(i).last();
      int bar = (int) ((w - LABEL_WIDTH - 50) * Math.max(0, Math.min(1, value / full)));
      svg.append(text(x, y + 12 + i * 18, 10, series.get(i).legend(), "normal"));
      svg.append(
          "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"12\" fill=\"%s\"/>\n"
              .formatted(x + LABEL_WIDTH, y + 2 + i * 18, bar, COLOURS[i % COLOURS.length]));
      svg.append(
          text(x + LABEL_WIDTH + 5 + bar, y + 12 + i * 18, 10, format(value, unit), "normal"));
    }
  }

  private void values(List<Series> series, int x, int y, int w, String unit) {
    for (int i = 0; i < series.size(); i++) {
      svg.append(
          text(
              x + (i % 3) * (w / 3),
              y + 24 + (i / 3) * 34,
              20,
              format(series.get(i).last(), unit),
              "bold",
              COLOURS[i % COLOURS.length]));
      svg.append(
          text(x + (i % 3) * (w / 3), y + 36 + (i / 3) * 34, 10, series.get(i).legend(), "normal"));
    }
  }

  private static String unit(JsonNode panel) {
    return panel.path("fieldConfig").path("defaults").path("unit").asText("");
  }

  private static String format(double value, String unit) {
    if (Double.isNaN(value)) {
      return "–";
    }
    return switch (unit) {
      case "percentunit" -> String.format(Locale.ROOT, "%.0f%%", value * 100);
      case "bytes" -> String.format(Locale.ROOT, "%.0f MiB", value / (1 << 20));
      default ->
          value == Math.rint(value)
              ? String.valueOf((long) value)
              : String.format(Locale.ROOT, "%.2f", value);
    };
  }

  private static String text(int x, int y, int size, String content, String weight) {
    return text(x, y, size, content, weight, "#222");
  }

  private static String text(int x, int y, int size, String content, String weight, String colour) {
    return "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"%s\" fill=\"%s\">%s</text>\n"
        .formatted(
            x,
            y,
            size,
            weight,
            colour,
            content.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"));
  }
}
