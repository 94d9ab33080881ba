package io.revisor.apiserver.discovery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the representation of {@code /apis} from an {@code Accept} header the way kube-apiserver does: media ranges
 * are ordered by quality (then exact before wildcard, keeping header order otherwise) and the first acceptable one
 * wins. A range is acceptable when it covers {@code application/json} and its {@code g}/{@code v}/{@code as}
 * parameters are either absent (legacy) or name an aggregated discovery version this server has; anything else
 * (protobuf, YAML, another conversion target, a stream) is skipped, so that the next range gets its turn.
 */
final class AcceptNegotiation {
  private AcceptNegotiation() {}

  static Optional<DiscoveryFormat> negotiate(String accept) {
    if (accept == null || accept.isBlank()) {
      return Optional.of(DiscoveryFormat.LEGACY);
    }
    List<MediaRange> ranges = new ArrayList<>();
    for (String clause : split(accept, ',')) {
      MediaRange range = MediaRange.parse(clause);
      if (range != null && range.quality > 0) {
        ranges.add(range);
      }
    }
    // List.sort is stable: equal ranges keep the order the client wrote them in.
    ranges.sort(Comparator.comparingDouble((MediaRange r) -> -r.quality)
        .thenComparing(r -> r.type.equals("*"))
        .thenComparing(r -> r.subtype.equals("*")));
    for (MediaRange range : ranges) {
      Optional<DiscoveryFormat> format = range.acceptable();
      if (format.isPresent()) {
        return format;
      }
    }
    return Optional.empty();
  }

  /** Splits on {@code separator} outside double-quoted strings. */
  private static List<String> split(String text, char separator) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\\' && quoted && i + 1 < text.length()) {
        current.append(c).append(text.charAt(++i));
        continue;
      }
      if (c == separator && !quoted) {
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    parts.add(current.toString());
    return parts;
  }

  private record MediaRange(String type, String subtype, Map<String, String> params, double quality) {
    static MediaRange parse(String clause) {
      List<String> pieces = split(clause, ';');
      String mediaType = pieces.get(0).trim().toLowerCase(Locale.ROOT);
      int slash = mediaType.indexOf('/');
      if (slash <= 0 || slash == mediaType.length() - 1) {
        return null;
      }
      Map<String, String> params = new HashMap<>();
      double quality = 1.0;
      for (String piece : pieces.subList(1, pieces.size())) {
        int eq = piece.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String key = piece.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String value = unquote(piece.substring(eq + 1).trim());
        if (key.equals("q")) {
          try {
            quality = Double.parseDouble(value);
          } catch (NumberFormatException e) {
            return null;
          }
        } else {
          params.put(key, value);
        }
      }
      return new MediaRange(mediaType.substring(0, slash), mediaType.substring(slash + 1), params, quality);
    }

    Optional<DiscoveryFormat> acceptable() {
      boolean json =
          (type.equals("application") && (subtype.equals("json") || subtype.equals("*")))
              || (type.equals("*") && subtype.equals("*"));
      if (!json || !params.getOrDefault("stream", "").isEmpty()) {
        return Optional.empty();
      }
      String group = params.get("g");
      String version = params.get("v");
      String as = params.get("as");
      if (group == null && version == null && as == null) {
        return Optional.of(DiscoveryFormat.LEGACY);
      }
      if (!DiscoveryFormat.AGGREGATED_GROUP.equals(group) || !DiscoveryFormat.AGGREGATED_KIND.equals(as)) {
        return Optional.empty();
      }
      for (DiscoveryFormat format : DiscoveryFormat.values()) {
        if (format.aggregated() && format.version().equals(version)) {
          return Optional.of(format);
        }
      }
      return Optional.empty();
    }

    private static String unquote(String value) {
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        return value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
      }
      return value;
    }
  }
}
