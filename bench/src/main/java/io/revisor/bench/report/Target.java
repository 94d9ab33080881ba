package io.revisor.bench.report;

/**
 * One goal and how the run did against it.
 *
 * @param name the goal, e.g. {@code creates at concurrency 64 >= 50% of raw}; for {@link Status#INFO}, what is shown
 * @param status the outcome
 * @param detail the figures behind it
 */
public record Target(String name, Status status, String detail) {
  /** An outcome. A miss is reported, never a crash. */
  public enum Status {
    PASS,
    MISS,
    /** The figure cannot speak to the goal in this run (say why in the detail). */
    NA,
    /** Not a goal: a figure shown next to the goals for comparison (the detail says what it is). */
    INFO
  }

  /** PASS when {@code ok}, else MISS. */
  public static Target check(String name, boolean ok, String detail) {
    return new Target(name, ok ? Status.PASS : Status.MISS, detail);
  }
}
