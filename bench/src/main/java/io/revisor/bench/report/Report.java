package io.revisor.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything a run found: rows, goals, failures, the environment. Renders the table people read and writes
 * {@code results.json} and {@code results.svg}. Thread-safe.
 */
public final class Report {
  private final Map<String, Object> environment = new LinkedHashMap<>();
  private final List<Row> rows = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  /** Replaced as a whole, never changed in place: immutable. */
  private List<Target> targets = List.of();
  /** Replaced as a whole, never changed in place: immutable. */
  private List<String> watchCacheMetrics = List.of();

  /** What {@code results.json} holds. */
  record Results(Map<String, Object> environment, List<Row> rows, List<Target> targets, List<String> failures,
      List<String> watchCacheMetrics) {}

  public synchronized void environment(String name, Object value) {
    environment.put(name, value);
  }

  public synchronized void add(Row row) {
    rows.add(row);
  }

  public synchronized List<Row> rows() {
    return List.copyOf(rows);
  }

  public synchronized void targets(List<Target> evaluated) {
    targets = List.copyOf(evaluated);
  }

  /** Records a failure: the run's exit status will not be 0 (lost watch events, failed operations). */
  public synchronized void fail(String failure) {
    failures.add(failure);
  }

  public synchronized List<String> failures() {
    return List.copyOf(failures);
  }

  /** The server's {@code revisor_watch_cache*} metric lines (none: the server has no watch cache). */
  public synchronized void watchCacheMetrics(List<String> lines) {
    watchCacheMetrics = List.copyOf(lines);
  }

  /** The results table, one line per row, columns aligned. */
  public synchronized String table() {
    List<String[]> cells = new ArrayList<>();
    cells.add(new String[] {"scenario", "side", "ops/s", "p50 ms", "p99 ms", "Revisor/raw", "note"});
    for (Row r : rows) {
      cells.add(new String[] {r.scenario(), r.side(), number(r.opsPerSec()), millis(r.p50Ms()), millis(r.p99Ms()),
          r.ratio() == null ? "" : String.format(Locale.ROOT, "%.2fx", r.ratio()), r.note() == null ? "" : r.note()});
    }
    int[] width = new int[cells.get(0).length];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        width[i] = Math.max(width[i], line[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int n = 0; n < cells.size(); n++) {
      String[] line = cells.get(n);
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < line.length; i++) {
        boolean left = i < 2 || i == line.length - 1;
        String pad = " ".repeat(width[i] - line[i].length());
        text.append(i == 0 ? "" : "  ").append(left ? line[i] + pad : pad + line[i]);
      }
      out.append(text.toString().stripTrailing()).append('\n');
      if (n == 0) {
        out.append("-".repeat(text.toString().stripTrailing().length())).append('\n');
      }
    }
    return out.toString();
  }

  /** One line per goal: {@code PASS  name  (detail)}. */
  public synchronized String targetsText() {
    StringBuilder out = new StringBuilder();
    for (Target t : targets) {
      out.append(String.format(Locale.ROOT, "%-4s  %s (%s)%n", t.status(), t.name(), t.detail()));
    }
    return out.toString();
  }

  /** Writes {@code results.json} and {@code results.svg} into {@code dir} (created when missing). */
  public void write(Path dir) throws IOException {
    Results results;
    synchronized (this) {
      results = new Results(new LinkedHashMap<>(environment), List.copyOf(rows), targets,
          List.copyOf(failures), watchCacheMetrics);
    }
    Files.createDirectories(dir);
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Files.write(dir.resolve("results.json"), mapper.writeValueAsBytes(results));
    Files.writeString(dir.resolve("results.svg"), SvgChart.render(results.rows(), results.targets()),
        StandardCharsets.UTF_8);
  }

  static String number(Double opsPerSec) {
    if (opsPerSec == null) {
      return "";
    }
    return opsPerSec >= 100 ? String.format(Locale.ROOT, "%,.0f", opsPerSec)
        : String.format(Locale.ROOT, "%.2f", opsPerSec);
  }

  static String millis(Double ms) {
    Function<Double, String> format = v -> v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
        : v >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    return ms == null ? "" : format.apply(ms);
  }
}
