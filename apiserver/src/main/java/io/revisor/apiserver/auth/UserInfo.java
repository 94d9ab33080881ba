package io.revisor.apiserver.auth;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An authenticated user, as Kubernetes describes one.
 *
 * @param name e.g. {@code admin} or {@code system:serviceaccount:ns:sa}
 * @param uid may be empty
 * @param groups the groups, including {@code system:authenticated} for every authenticated user
 * @param extra extra attributes (e.g. from the front proxy), keys lower-case
 */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {
  public static final String ANONYMOUS = "system:anonymous";
  public static final String AUTHENTICATED = "system:authenticated";
  public static final String UNAUTHENTICATED = "system:unauthenticated";
  public static final String MASTERS = "system:masters";

  public UserInfo {
    Objects.requireNonNull(name, "name");
    uid = uid == null ? "" : uid;
    groups = List.copyOf(groups);
    Map<String, List<String>> copy = new java.util.LinkedHashMap<>();
    extra.forEach((key, values) -> copy.put(key, List.copyOf(values)));
    extra = java.util.Collections.unmodifiableMap(copy);
  }

  /** The anonymous user: {@code system:anonymous} in {@code system:unauthenticated}. */
  public static UserInfo anonymous() {
    return new UserInfo(ANONYMOUS, "", List.of(UNAUTHENTICATED), Map.of());
  }

  /** {@code user}, with {@code system:authenticated} added to its groups as {@link #authenticated(String, String, List, Map)}. */
  public static UserInfo authenticated(String name, String uid, List<String> groups) {
    return authenticated(name, uid, groups, Map.of());
  }

  /**
   * A user an authenticator proved, with {@code system:authenticated} added to its groups, as upstream's
   * authenticated-group adder: not for {@code system:anonymous} (the aggregator forwards anonymous requests as that
   * user in {@code system:unauthenticated}), and not when the groups already say authenticated or unauthenticated.
   */
  public static UserInfo authenticated(String name, String uid, List<String> groups, Map<String, List<String>> extra) {
    java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(groups);
    if (!name.equals(ANONYMOUS) && !all.contains(UNAUTHENTICATED)) {
      all.add(AUTHENTICATED);
    }
    return new UserInfo(name, uid, List.copyOf(all), extra);
  }

  public boolean inGroup(String group) {
    return groups.contains(group);
  }

  /** Whether this is the anonymous user, or a user in {@code system:unauthenticated}. */
  public boolean isAnonymous() {
    return name.equals(ANONYMOUS) || groups.contains(UNAUTHENTICATED);
  }
}
