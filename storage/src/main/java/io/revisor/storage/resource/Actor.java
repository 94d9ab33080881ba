package io.revisor.storage.resource;

import java.util.Objects;

/**
 * Who makes a change; recorded with every version, so that history and trash can say who did what.
 *
 * @param user the authenticated user name (for example {@code system:serviceaccount:ns:sa}); never null
 */
public record Actor(String user) {
  public static final Actor SYSTEM = new Actor("system:revisor");

  public Actor {
    Objects.requireNonNull(user, "user");
  }
}
