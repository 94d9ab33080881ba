package io.revisor.apiserver.cluster;

import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.APIServiceBuilder;
import io.fabric8.kubernetes.api.model.APIServiceSpec;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ServiceReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.revisor.apiserver.crd.ResourceRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Registers this server with kube-apiserver's aggregator: one {@code APIService} ({@code apiregistration.k8s.io/v1},
 * named {@code <version>.<group>}) per served group-version, pointing at the Service on port 443 with the serving CA
 * as {@code caBundle}.
 *
 * <p>This class owns, in each of those APIServices: {@code spec.group}, {@code spec.version}, {@code spec.service}
 * (namespace, name, port), {@code spec.caBundle}, {@code spec.groupPriorityMinimum} ({@value #GROUP_PRIORITY_MINIMUM}),
 * {@code spec.versionPriority} (see {@link #versionPriority}), the label {@value #MANAGED_BY}={@value #MANAGER}, and
 * the absence of {@code spec.insecureSkipTLSVerify} (which the API forbids together with a caBundle; it is removed
 * when found, never set). Every other field, label and annotation is left as found. An APIService whose owned fields
 * already have these values is not written.
 *
 * <p>Writes are compare-and-swap: create, or read-modify-update with the object's resourceVersion; a conflict (another
 * replica, a human) is re-read and redone, a bounded number of times. APIServices of group-versions no longer served
 * are left alone. Calls block on the cluster (the client's timeouts apply); failures are the client's
 * {@link KubernetesClientException}, for the caller to retry. Thread-safe as far as the client is.
 */
public final class ApiServiceRegistrar {
  /** The label marking what this server manages. */
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  /** Its value. */
  public static final String MANAGER = "revisor";
  /** {@code spec.groupPriorityMinimum} of every APIService (kube recommends 1000-2000 for extensions). */
  public static final int GROUP_PRIORITY_MINIMUM = 1000;
  /** The Service port the aggregator connects to. */
  public static final int SERVICE_PORT = 443;
  /** Conflicting writes tolerated per APIService and call. */
  static final int ATTEMPTS = 5;

  private final KubernetesClient client;
  private final ResourceRegistry registry;
  private final ServiceLocation service;

  public ApiServiceRegistrar(KubernetesClient client, ResourceRegistry registry, ServiceLocation service) {
    this.client = Objects.requireNonNull(client, "client");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.service = Objects.requireNonNull(service, "service");
  }

  /** What one {@link #register} call did to each APIService, by name. */
  public enum Change {
    CREATED,
    UPDATED,
    UNCHANGED
  }

  /**
   * The outcome of one {@link #register} call.
   *
   * @param changes each APIService's name and what was done to it, in registration order
   */
  public record Outcome(Map<String, Change> changes) {
    public Outcome {
      changes = Collections.unmodifiableMap(new LinkedHashMap<>(changes));
    }

    /** Whether anything was created or updated. */
    public boolean wrote() {
      return changes.values().stream().anyMatch(c -> c != Change.UNCHANGED);
    }

    @Override
    public String toString() {
      return changes.toString();
    }
  }

  /**
   * {@code spec.versionPriority} of the version at {@code index} among {@code count} served versions of a group, in
   * the served order (preferred first, {@link ResourceRegistry#versions}): 100 for the preferred version, one less
   * for each next one; a group with more than 100 versions starts at its count instead (at most 999); never below 1.
   */
  public static int versionPriority(int index, int count) {
    int top = Math.min(999, Math.max(100, count));
    return Math.max(1, top - index);
  }

  /** The APIServices this server needs, in group order and then served order, for {@code caBundle} (PEM). */
  public List<APIService> desired(byte[] caBundle) {
    String bundle = Base64.getEncoder().encodeToString(caBundle);
    List<APIService> out = new ArrayList<>();
    for (String group : registry.groups()) {
      List<String> versions = registry.versions(group);
      for (int i = 0; i < versions.size(); i++) {
        String version = versions.get(i);
        out.add(new APIServiceBuilder()
            .withNewMetadata()
              .withName(version + "." + group)
              .addToLabels(MANAGED_BY, MANAGER)
            .endMetadata()
            .withNewSpec()
              .withGroup(group)
              .withVersion(version)
              .withNewService()
                .withNamespace(service.namespace())
                .withName(service.name())
                .withPort(SERVICE_PORT)
              .endService()
              .withCaBundle(bundle)
              .withGroupPriorityMinimum(GROUP_PRIORITY_MINIMUM)
              .withVersionPriority(versionPriority(i, versions.size()))
            .endSpec()
            .build());
      }
    }
    return out;
  }

  /**
   * Creates or updates every APIService of {@link #desired}.
   *
   * @param caBundle the CA certificates (PEM) the aggregator should trust for this server
   * @throws KubernetesClientException when the cluster refuses or cannot be reached; APIServices handled before the
   *     failure stay as written
   */
  public Outcome register(byte[] caBundle) {
    Map<String, Change> changes = new LinkedHashMap<>();
    for (APIService want : desired(caBundle)) {
      changes.put(want.getMetadata().getName(), apply(want));
    }
    return new Outcome(changes);
  }

  private Change apply(APIService want) {
    String name = want.getMetadata().getName();
    var apiServices = client.resources(APIService.class);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      APIService have = apiServices.withName(name).get();
      try {
        if (have == null) {
          apiServices.resource(want).create();
          return Change.CREATED;
        }
        if (owns(have, want)) {
          return Change.UNCHANGED;
        }
        apiServices.resource(merge(have, want)).update();
        return Change.UPDATED;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // Created or changed by someone else since the read: read again.
      }
    }
    throw new KubernetesClientException("APIService " + name + " changed under every one of " + ATTEMPTS
        + " attempts to update it", 409, null);
  }

  /** Whether {@code have} already has every owned field of {@code want}. */
  static boolean owns(APIService have, APIService want) {
    APIServiceSpec spec = have.getSpec();
    APIServiceSpec wanted = want.getSpec();
    if (spec == null || spec.getService() == null) {
      return false;
    }
    ServiceReference reference = spec.getService();
    Map<String, String> labels = have.getMetadata() == null ? null : have.getMetadata().getLabels();
    return Objects.equals(spec.getGroup(), wanted.getGroup())
        && Objects.equals(spec.getVersion(), wanted.getVersion())
        && Objects.equals(reference.getNamespace(), wanted.getService().getNamespace())
        && Objects.equals(reference.getName(), wanted.getService().getName())
        // The API defaults a missing port to 443.
        && Objects.equals(reference.getPort() == null ? SERVICE_PORT : reference.getPort(), SERVICE_PORT)
        && sameBundle(spec.getCaBundle(), wanted.getCaBundle())
        && Objects.equals(spec.getGroupPriorityMinimum(), wanted.getGroupPriorityMinimum())
        && Objects.equals(spec.getVersionPriority(), wanted.getVersionPriority())
        && !Boolean.TRUE.equals(spec.getInsecureSkipTLSVerify())
        && labels != null && MANAGER.equals(labels.get(MANAGED_BY));
  }

  private static boolean sameBundle(String have, String want) {
    if (have == null) {
      return false;
    }
    try {
      return Arrays.equals(Base64.getDecoder().decode(have), Base64.getDecoder().decode(want));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A copy of {@code have} with the owned fields of {@code want}; everything else as found. */
  static APIService merge(APIService have, APIService want) {
    APIService next = new APIServiceBuilder(have).build();
    ObjectMeta metadata = next.getMetadata();
    Map<String, String> labels = new LinkedHashMap<>(metadata.getLabels() == null ? Map.of() : metadata.getLabels());
    labels.put(MANAGED_BY, MANAGER);
    metadata.setLabels(labels);
    APIServiceSpec spec = next.getSpec() == null ? new APIServiceSpec() : next.getSpec();
    APIServiceSpec wanted = want.getSpec();
    spec.setGroup(wanted.getGroup());
    spec.setVersion(wanted.getVersion());
    ServiceReference reference = spec.getService() == null ? new ServiceReference() : spec.getService();
    reference.setNamespace(wanted.getService().getNamespace());
    reference.setName(wanted.getService().getName());
    reference.setPort(wanted.getService().getPort());
    spec.setService(reference);
    spec.setCaBundle(wanted.getCaBundle());
    spec.setGroupPriorityMinimum(wanted.getGroupPriorityMinimum());
    spec.setVersionPriority(wanted.getVersionPriority());
    if (spec.getInsecureSkipTLSVerify() != null) {
      spec.setInsecureSkipTLSVerify(null); // forbidden with a caBundle
    }
    next.setSpec(spec);
    return next;
  }
}
