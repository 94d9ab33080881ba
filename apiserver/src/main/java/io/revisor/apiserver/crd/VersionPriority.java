package io.revisor.apiserver.crd;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes' version ordering: versions that look like {@code v<major>[(alpha|beta)<minor>]} come first, GA before
 * beta before alpha, higher numbers first; all other versions follow in alphabetical order.
 */
final class VersionPriority {
  private static final Pattern KUBE_VERSION = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");

  private VersionPriority() {}

  /** Negative when {@code a} has the higher priority. */
  static int compare(String a, String b) {
    Matcher ma = KUBE_VERSION.matcher(a);
    Matcher mb = KUBE_VERSION.matcher(b);
    boolean ka = ma.matches();
    boolean kb = mb.matches();
    if (ka != kb) {
      return ka ? -1 : 1;
    }
    if (!ka) {
      return a.compareTo(b);
    }
    int stability = Integer.compare(stability(mb.group(2)), stability(ma.group(2)));
    if (stability != 0) {
      return stability;
    }
    int major = Long.compare(Long.parseLong(mb.group(1)), Long.parseLong(ma.group(1)));
    if (major != 0 || ma.group(3) == null) {
      return major;
    }
    return Long.compare(Long.parseLong(mb.group(3)), Long.parseLong(ma.group(3)));
  }

  private static int stability(String qualifier) {
    if (qualifier == null) {
      return 2;
    }
    return "beta".equals(qualifier) ? 1 : 0;
  }
}
