package io.revisor.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The goals the suite checks, evaluated on the rows of whatever scenarios ran. */
public final class Targets {
  static final double WRITE_SHARE = 0.5;
  static final double CACHED_LIST_SPEEDUP = 20;
  static final double WATCH_P99_FACTOR = 10;
  static final double HEAP_PER_OBJECT_BYTES = 3 * 1024;

  private Targets() {}

  /**
   * Evaluates every goal whose rows exist.
   *
   * @param rows the run's rows
   * @param writeConcurrency the concurrency the write goals look at (the highest measured)
   * @param watchers the watcher counts measured, smallest first
   */
  public static List<Target> evaluate(List<Row> rows, int writeConcurrency, List<Integer> watchers) {
    List<Target> targets = new ArrayList<>();
    for (String op : List.of("create", "update")) {
      find(rows, Ids.write(op, writeConcurrency, Row.REVISOR)).ifPresent(revisor ->
          find(rows, Ids.write(op, writeConcurrency, Row.RAW)).ifPresent(raw -> {
            double share = revisor.opsPerSec() / raw.opsPerSec();
            targets.add(Target.check(op + "s at concurrency " + writeConcurrency + ": Revisor >= 50% of raw throughput",
                share >= WRITE_SHARE, String.format(Locale.ROOT, "%.0f vs %.0f ops/s = %.0f%%",
                    revisor.opsPerSec(), raw.opsPerSec(), 100 * share)));
          }));
    }
    find(rows, Ids.of(Ids.LIST_RAW, Row.RAW)).ifPresent(raw -> {
      // The goal is the watch cache's: a list served from its memory, written as the server writes it, against the
      // same list ranged from etcd and decoded. The whole HTTPS answer is shown next to it, not judged.
      for (String id : List.of(Ids.LIST_RV0, Ids.LIST_CONSISTENT)) {
        find(rows, Ids.of(id, Row.IN_PROCESS)).ifPresent(cached -> targets.add(Target.check(
            cached.scenario() + ": >= 20x faster than raw range+decode",
            speedup(cached, raw) >= CACHED_LIST_SPEEDUP, listDetail(cached, raw))));
      }
      for (String id : List.of(Ids.LIST_RV0, Ids.LIST_CONSISTENT)) {
        find(rows, Ids.of(id, Row.REVISOR)).ifPresent(https -> targets.add(new Target(
            https.scenario() + " over HTTPS vs raw range+decode (not a goal: the whole answer, TLS and client)",
            Target.Status.INFO, listDetail(https, raw))));
      }
    });
    find(rows, Ids.of(Ids.LIST_PAGED, Row.REVISOR)).ifPresent(paged ->
        find(rows, Ids.of(Ids.LIST_CONSISTENT, Row.REVISOR)).ifPresent(unpaged -> {
          double p = paged.extra(Ids.ITEMS_PER_SEC);
          double u = unpaged.extra(Ids.ITEMS_PER_SEC);
          targets.add(Target.check("paged list items/s >= unpaged items/s (Revisor, consistent)", p >= u,
              String.format(Locale.ROOT, "%.0f vs %.0f items/s", p, u)));
        }));
    if (!watchers.isEmpty()) {
      int most = watchers.get(watchers.size() - 1);
      find(rows, Ids.watch(most, Row.REVISOR)).ifPresent(many -> {
        double lost = many.extra(Ids.LOST_EVENTS);
        targets.add(Target.check(most + " watchers: no lost events", lost == 0,
            String.format(Locale.ROOT, "%.0f lost", lost)));
        find(rows, Ids.watch(watchers.get(0), Row.REVISOR)).ifPresent(one -> {
          double factor = orNaN(many.p99Ms()) / orNaN(one.p99Ms());
          targets.add(Target.check(most + " watchers: p99 lag <= 10x a single watcher's", factor <= WATCH_P99_FACTOR,
              String.format(Locale.ROOT, "p99 %.1f ms vs %.1f ms = %.1fx", orNaN(many.p99Ms()), orNaN(one.p99Ms()),
                  factor)));
        });
      });
    }
    find(rows, Ids.of(Ids.MEMORY, Row.REVISOR)).ifPresent(memory -> {
      double perObject = memory.extra(Ids.HEAP_PER_OBJECT);
      String name = "heap per cached 1 KiB object <= 3 KiB";
      String detail = String.format(Locale.ROOT, "%.0f bytes per object", perObject);
      if (memory.extra(Ids.WATCH_CACHE_PRESENT) == 1) {
        targets.add(Target.check(name, perObject <= HEAP_PER_OBJECT_BYTES, detail));
      } else {
        targets.add(new Target(name, Target.Status.NA,
            detail + "; the server has no watch cache (no revisor_watch_cache metrics), so nothing is cached"));
      }
    });
    return targets;
  }

  private static double speedup(Row list, Row raw) {
    return list.opsPerSec() / raw.opsPerSec();
  }

  private static String listDetail(Row list, Row raw) {
    return String.format(Locale.ROOT, "p50 %.2f ms vs %.1f ms raw = %.2fx", orNaN(list.p50Ms()), orNaN(raw.p50Ms()),
        speedup(list, raw));
  }

  private static Optional<Row> find(List<Row> rows, String id) {
    return rows.stream().filter(r -> r.id().equals(id)).findFirst();
  }

  private static double orNaN(Double d) {
    return d == null ? Double.NaN : d;
  }
}
