package io.revisor.apiserver.tls;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The DNS names under which a Kubernetes Service is reached, for serving certificates: {@code <svc>},
 * {@code <svc>.<ns>}, {@code <svc>.<ns>.svc} (the name kube-apiserver's aggregator checks) and
 * {@code <svc>.<ns>.svc.cluster.local}.
 *
 * <p>Only the default cluster domain {@code cluster.local} is known; a cluster with another domain needs that name
 * given explicitly. Stateless and thread-safe.
 */
public final class ServiceDnsNames {
  /** The default cluster domain. */
  public static final String CLUSTER_DOMAIN = "cluster.local";

  // A DNS label as Kubernetes uses it for Service names (RFC 1035) and namespaces (RFC 1123): lower case.
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private ServiceDnsNames() {}

  /**
   * The four names of Service {@code service} in {@code namespace}, shortest first.
   *
   * @throws IllegalArgumentException when either is not a DNS label
   */
  public static List<String> of(String service, String namespace) {
    String svc = label(service, "Service name");
    String ns = label(namespace, "namespace");
    return List.of(svc, svc + "." + ns, svc + "." + ns + ".svc", svc + "." + ns + ".svc." + CLUSTER_DOMAIN);
  }

  /**
   * {@code names} with each Service name ({@code <svc>.<ns>.svc} or {@code <svc>.<ns>.svc.cluster.local}, any case)
   * replaced by {@link #of its four forms}, in order, without duplicates. Other names (IP addresses, other DNS names,
   * wildcards) are kept as given.
   */
  public static List<String> expand(Collection<String> names) {
    Set<String> out = new LinkedHashSet<>();
    for (String raw : names) {
      String name = raw.trim();
      List<String> service = serviceOf(name);
      if (service == null) {
        out.add(name);
      } else {
        out.addAll(of(service.get(0), service.get(1)));
      }
    }
    return new ArrayList<>(out);
  }

  /** [service, namespace] when {@code name} is a Service's DNS name, else null. */
  private static List<String> serviceOf(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    String[] labels = lower.split("\\.", -1);
    boolean shortForm = labels.length == 3 && labels[2].equals("svc");
    boolean longForm = labels.length == 5 && lower.endsWith(".svc." + CLUSTER_DOMAIN);
    if (!(shortForm || longForm) || !LABEL.matcher(labels[0]).matches() || !LABEL.matcher(labels[1]).matches()) {
      return null;
    }
    return List.of(labels[0], labels[1]);
  }

  private static String label(String value, String what) {
    if (value == null || !LABEL.matcher(value).matches()) {
      throw new IllegalArgumentException(what + " \"" + value + "\" is not a DNS label (lower case letters, digits "
          + "and '-', at most 63 characters)");
    }
    return value;
  }
}
