package io.revisor.apiserver.http;

import io.vertx.core.MultiMap;
import java.util.Locale;

/**
 * Typed access to a request's query parameters with Kubernetes' parsing rules: booleans are lenient (anything but
 * {@code 0} or {@code false}, in any case, is true; Python's client sends {@code True}), numbers that do not parse
 * are a 400.
 */
public final class QueryParams {
  private final MultiMap params;

  public QueryParams(MultiMap params) {
    this.params = params;
  }

  /** The first value of {@code name}, or empty. */
  public String string(String name) {
    String value = params.get(name);
    return value == null ? "" : value;
  }

  /** Whether {@code name} is present at all (even empty). */
  public boolean has(String name) {
    return params.contains(name);
  }

  /** Lenient boolean: absent or empty = {@code defaultValue}; {@code 0}/{@code false} = false; else true. */
  public boolean bool(String name, boolean defaultValue) {
    String value = params.get(name);
    if (value == null || value.isEmpty()) {
      return defaultValue;
    }
    return !(value.equals("0") || value.toLowerCase(Locale.ROOT).equals("false"));
  }

  /** A non-negative integer, or {@code defaultValue} when absent; anything else is a 400. */
  public long nonNegativeLong(String name, long defaultValue) {
    String value = params.get(name);
    if (value == null || value.isEmpty()) {
      return defaultValue;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed < 0) {
        throw ApiException.badRequest("invalid " + name + " " + quote(value) + ": must not be negative");
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid " + name + " " + quote(value) + ": not an integer");
    }
  }

  /** An integer that may be negative (e.g. {@code gracePeriodSeconds}), or null when absent. */
  public Long optionalLong(String name) {
    String value = params.get(name);
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid " + name + " " + quote(value) + ": not an integer");
    }
  }

  static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
