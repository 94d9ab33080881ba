package io.revisor.apiserver.table;

import java.time.Duration;

/**
 * Kubernetes' {@code duration.HumanDuration}: an age with two or three significant figures, as {@code kubectl get}
 * shows it ({@code 45s}, {@code 2m30s}, {@code 15m}, {@code 3h20m}, {@code 20h}, {@code 2d3h}, {@code 30d},
 * {@code 2y10d}, {@code 9y}). Up to one second in the future reads as {@code 0s} (clock skew); further is
 * {@code <invalid>}.
 *
 * <p>Stateless and thread-safe.
 */
final class HumanDuration {
  /** Go's {@code time.Duration} is int64 nanoseconds: ages beyond about 292 years saturate there. */
  private static final long MAX_SECONDS = Long.MAX_VALUE / 1_000_000_000L;

  private HumanDuration() {}

  static String format(Duration d) {
    // Whole seconds, truncated toward zero as Go's int(d.Seconds()) does.
    long seconds = d.getSeconds();
    if (seconds < 0 && d.getNano() > 0) {
      seconds++;
    }
    seconds = Math.max(-MAX_SECONDS, Math.min(MAX_SECONDS, seconds));
    if (seconds < -1) {
      return "<invalid>";
    }
    if (seconds < 0) {
      return "0s";
    }
    if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    }
    if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = seconds / 3600;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    }
    if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    }
    if (hours < 24 * 365 * 8) {
      long dy = (hours / 24) % 365;
      return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
    }
    return hours / 24 / 365 + "y";
  }
}
