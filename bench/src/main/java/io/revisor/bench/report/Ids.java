package io.revisor.bench.report;

/**
 * The row ids scenarios write and {@link Targets} reads. A list's id ends with its side: {@code .revisor} (the
 * server's HTTPS answer), {@code .in-process} (the same list from a watch cache in the benchmark JVM, written by the
 * server's list writer, no HTTP) or {@code .raw}.
 */
public final class Ids {
  public static final String GET = "read.get";
  public static final String LIST_CONSISTENT = "read.list.consistent";
  public static final String LIST_RV0 = "read.list.rv0";
  public static final String LIST_PAGED = "read.list.paged";
  /** The raw side of every unpaged list: one range of the prefix, every value decoded. */
  public static final String LIST_RAW = "read.list";
  public static final String MEMORY = "memory";

  /** Extra figures (see {@link Row#extra()}). */
  public static final String ITEMS_PER_SEC = "itemsPerSec";
  /** The fewest objects one measured list held (in-process lists count every list). */
  public static final String ITEMS = "items";
  /** The response bytes of one list, all pages (in-process lists). */
  public static final String BODY_BYTES = "bodyBytes";
  public static final String LOST_EVENTS = "lostEvents";
  public static final String HEAP_PER_OBJECT = "heapBytesPerObject";
  /** 1 when the server exported {@code revisor_watch_cache*} metrics, else 0. */
  public static final String WATCH_CACHE_PRESENT = "watchCacheMetricsPresent";

  private Ids() {}

  /** {@code create.c64.revisor}. */
  public static String write(String operation, int concurrency, String side) {
    return operation + ".c" + concurrency + "." + side;
  }

  /** {@code watch.w1000.raw}. */
  public static String watch(int watchers, String side) {
    return "watch.w" + watchers + "." + side;
  }

  /** {@code read.get.revisor}. */
  public static String of(String base, String side) {
    return base + "." + side;
  }
}
