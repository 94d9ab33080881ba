package io.revisor.apiserver.auth;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bearer tokens from a static file in kube-apiserver's {@code --token-auth-file} format: CSV lines {@code
 * token,user,uid,"group1,group2"} (groups optional; lines starting with {@code #} are comments). A bearer token that
 * is not in the file is rejected (401). Immutable and thread-safe.
 */
public final class TokenFileAuthenticator implements Authenticator {
  private final Map<String, UserInfo> users;

  private TokenFileAuthenticator(Map<String, UserInfo> users) {
    this.users = Map.copyOf(users);
  }

  /** Reads {@code file}; a malformed line is an {@link IllegalArgumentException} naming the line. */
  public static TokenFileAuthenticator load(Path file) throws IOException {
    Map<String, UserInfo> users = new HashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      List<String> fields = csv(line);
      if (fields.size() < 3 || fields.get(0).isEmpty() || fields.get(1).isEmpty()) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected token,user,uid[,\"group1,group2\"]");
      }
      List<String> groups = new ArrayList<>();
      if (fields.size() > 3) {
        for (String group : fields.get(3).split(",")) {
          if (!group.isBlank()) {
            groups.add(group.strip());
          }
        }
      }
      if (users.putIfAbsent(fields.get(0), UserInfo.authenticated(fields.get(1), fields.get(2), groups)) != null) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": duplicate token");
      }
    }
    return new TokenFileAuthenticator(users);
  }

  /** The first token of {@code file} whose user is {@code user}, for writing a kubeconfig; null when none. */
  public static String tokenOf(Path file, String user) throws IOException {
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      List<String> fields = line.isBlank() || line.startsWith("#") ? List.of() : csv(line.strip());
      if (fields.size() >= 2 && fields.get(1).equals(user)) {
        return fields.get(0);
      }
    }
    return null;
  }

  @Override
  public Future<Result> authenticate(HttpServerRequest request) {
    String token = BearerTokens.of(request);
    if (token == null) {
      return Authenticator.none();
    }
    for (Map.Entry<String, UserInfo> entry : users.entrySet()) {
      // Constant-time comparison, so response timing does not reveal token prefixes.
      if (MessageDigest.isEqual(entry.getKey().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
        return Authenticator.user(entry.getValue());
      }
    }
    return Authenticator.rejected("invalid bearer token");
  }

  private static List<String> csv(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields;
  }
}
