package io.revisor.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The parts of the suite, in the order they run; {@link #id()} is the name {@code --scenarios} takes. */
public enum Scenario {
  /** In-process JMH benchmarks; needs neither etcd nor the server, so it runs first, on a quiet machine. */
  JMH,
  CREATE,
  UPDATE,
  READ,
  WATCH,
  MEMORY;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this part talks to etcd and the server. */
  public boolean needsServer() {
    return this != JMH;
  }

  /**
   * The scenario named {@code id}.
   *
   * @throws IllegalArgumentException naming the known ones when there is no such scenario
   */
  public static Scenario of(String id) {
    for (Scenario s : values()) {
      if (s.id().equals(id.trim().toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown scenario \"" + id + "\"; known: " + ids());
  }

  /** The known ids, comma-separated. */
  public static String ids() {
    return Arrays.stream(values()).map(Scenario::id).collect(Collectors.joining(","));
  }
}
