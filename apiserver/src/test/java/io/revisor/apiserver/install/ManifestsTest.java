package io.revisor.apiserver.install;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.revisor.apiserver.config.ServerOptions;
import io.revisor.apiserver.crd.DefinitionLoader;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.crd.ServedVersion;
import io.revisor.apiserver.install.Rendered.Workload;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The install manifests ({@code manifests/}) as a cluster would get them: every overlay rendered by the real
 * {@code kubectl kustomize}, parsed with Fabric8's model, and checked for completeness, resolvable references, the
 * availability and hardening the aggregation layer needs, and agreement with what the server serves and accepts
 * (the bundled definitions, {@link ServerOptions}). Then {@code hack/install-certs.sh} end to end.
 */
class ManifestsTest {
  /** The Secrets the Deployment may mount: named in manifests/README.md, made by the script, cert-manager or you. */
  private static final String SERVING_SECRET = "revisor-serving-cert";
  private static final String ETCD_CLIENT_SECRET = "revisor-etcd-client";
  private static final String AUTH_READER_ROLE = "extension-apiserver-authentication-reader";
  private static final String AUTH_DELEGATOR_ROLE = "system:auth-delegator";
  private static final String INJECT_CA_FROM = "cert-manager.io/inject-ca-from";
  private static final String CERT_MANAGER = "cert-manager.io/v1";
  private static final List<String> READ_VERBS = List.of("get", "list", "watch");
  private static final List<String> ALL_VERBS =
      List.of("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection");

  enum Storage { BUNDLED_ETCD, EXTERNAL_ETCD }

  enum Certificates { SCRIPT, CERT_MANAGER }

  /** One directory under manifests/overlays and what it promises. */
  record Overlay(String name, Storage storage, Certificates certificates) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<Overlay> OVERLAYS = List.of(
      new Overlay("default", Storage.BUNDLED_ETCD, Certificates.SCRIPT),
      new Overlay("external-etcd", Storage.EXTERNAL_ETCD, Certificates.SCRIPT),
      new Overlay("cert-manager", Storage.BUNDLED_ETCD, Certificates.CERT_MANAGER));

  private static final Map<String, Rendered> RENDERED = new ConcurrentHashMap<>();
  private static Path repo;
  private static Path kubectl;
  private static Path scratch;

  @BeforeAll
  static void locate(@TempDir Path temp) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("manifests/overlays"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("a manifests/overlays directory above %s", Path.of("").toAbsolutePath()).isNotNull();
    repo = dir;
    kubectl = Programs.find("kubectl", "REVISOR_KUBECTL");
    scratch = temp;
  }

  static Stream<Overlay> overlays() {
    return OVERLAYS.stream();
  }

  static Stream<Overlay> bundledEtcdOverlays() {
    return OVERLAYS.stream().filter(o -> o.storage() == Storage.BUNDLED_ETCD);
  }

  static Stream<Overlay> externalEtcdOverlays() {
    return OVERLAYS.stream().filter(o -> o.storage() == Storage.EXTERNAL_ETCD);
  }

  static Stream<Overlay> scriptOverlays() {
    return OVERLAYS.stream().filter(o -> o.certificates() == Certificates.SCRIPT);
  }

  static Stream<Overlay> certManagerOverlays() {
    return OVERLAYS.stream().filter(o -> o.certificates() == Certificates.CERT_MANAGER);
  }

  /** {@code kubectl kustomize dir}: must succeed without a word on stderr (no warnings). */
  private static Rendered render(Path dir) {
    Programs.Result result =
        Programs.run(scratch, Map.of(), List.of(kubectl.toString(), "kustomize", dir.toString())).clean();
    return Rendered.parse(repo.relativize(dir.toAbsolutePath()).toString(), result.out());
  }

  private static Rendered render(Overlay overlay) {
    return RENDERED.computeIfAbsent(overlay.name(), name -> render(repo.resolve("manifests/overlays").resolve(name)));
  }

  // ---- completeness

  @Test
  void everyOverlayDirectoryHasExpectations() throws IOException {
    Set<String> directories;
    try (Stream<Path> list = Files.list(repo.resolve("manifests/overlays"))) {
      directories = list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
    assertThat(directories).as("overlay directories (add a new one to OVERLAYS)")
        .containsExactlyInAnyOrderElementsOf(OVERLAYS.stream().map(Overlay::name).toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void containsACompleteInstall(Overlay overlay) {
    Rendered r = render(overlay);
    assertThat(r.all(Namespace.class)).hasSize(1);
    assertThat(r.all(ServiceAccount.class)).hasSize(1);
    assertThat(r.all(RoleBinding.class)).hasSize(1);
    assertThat(r.all(ClusterRoleBinding.class)).hasSize(1);
    assertThat(r.all(ClusterRole.class)).hasSizeGreaterThanOrEqualTo(2);
    assertThat(r.all(Deployment.class)).hasSize(1);
    assertThat(r.all(APIService.class)).isNotEmpty();
    assertThat(r.all(PodDisruptionBudget.class))
        .hasSize(overlay.storage() == Storage.BUNDLED_ETCD ? 2 : 1);
    assertThat(r.all(StatefulSet.class)).hasSize(overlay.storage() == Storage.BUNDLED_ETCD ? 1 : 0);
    assertThat(r.generic(CERT_MANAGER, "Certificate"))
        .hasSize(overlay.certificates() == Certificates.CERT_MANAGER ? 2 : 0);
    assertThat(r.generic(CERT_MANAGER, "Issuer"))
        .hasSize(overlay.certificates() == Certificates.CERT_MANAGER ? 2 : 0);
    // The script and the operator make the Secrets; an overlay never carries key material.
    assertThat(r.all(Secret.class)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void everyNamespacedObjectIsInTheInstallNamespace(Overlay overlay) {
    Rendered r = render(overlay);
    String namespace = r.only(Namespace.class).getMetadata().getName();
    for (HasMetadata o : r.objects()) {
      String ns = o.getMetadata().getNamespace();
      if (o instanceof RoleBinding binding && binding.getRoleRef().getName().equals(AUTH_READER_ROLE)) {
        assertThat(ns).as("the auth-reader RoleBinding").isEqualTo("kube-system");
      } else if (o instanceof Namespace || o instanceof ClusterRole || o instanceof ClusterRoleBinding
          || o instanceof APIService) {
        assertThat(ns).as("cluster-scoped %s %s", o.getKind(), o.getMetadata().getName()).isNull();
      } else {
        assertThat(ns).as("namespace of %s %s", o.getKind(), o.getMetadata().getName()).isEqualTo(namespace);
      }
    }
  }

  // ---- references

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void delegationRbacBindsTheServersServiceAccount(Overlay overlay) {
    Rendered r = render(overlay);
    Deployment deployment = r.only(Deployment.class);
    String namespace = deployment.getMetadata().getNamespace();
    ServiceAccount account = r.get(ServiceAccount.class, namespace,
        deployment.getSpec().getTemplate().getSpec().getServiceAccountName());
    Subject subject = new Subject(null, "ServiceAccount", account.getMetadata().getName(), namespace);

    RoleBinding reader = r.only(RoleBinding.class);
    assertThat(reader.getMetadata().getNamespace()).isEqualTo("kube-system");
    assertThat(reader.getRoleRef()).isEqualTo(new RoleRef("rbac.authorization.k8s.io", "Role", AUTH_READER_ROLE));
    assertThat(reader.getSubjects()).containsExactly(subject);

    ClusterRoleBinding delegator = r.only(ClusterRoleBinding.class);
    assertThat(delegator.getRoleRef())
        .isEqualTo(new RoleRef("rbac.authorization.k8s.io", "ClusterRole", AUTH_DELEGATOR_ROLE));
    assertThat(delegator.getSubjects()).containsExactly(subject);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void servicesBudgetsAndPoliciesSelectOneWorkloadAndItsPorts(Overlay overlay) {
    Rendered r = render(overlay);
    for (Service service : r.all(Service.class)) {
      String what = "Service " + service.getMetadata().getName();
      Workload workload = r.selectedWorkload(what, service.getMetadata().getNamespace(),
          service.getSpec().getSelector());
      for (ServicePort port : service.getSpec().getPorts()) {
        containerPort(workload.container(), port.getTargetPort(), what + " port " + port.getName());
      }
    }
    for (PodDisruptionBudget budget : r.all(PodDisruptionBudget.class)) {
      r.selectedWorkload("PodDisruptionBudget " + budget.getMetadata().getName(),
          budget.getMetadata().getNamespace(), budget.getSpec().getSelector());
    }
    for (NetworkPolicy policy : r.all(NetworkPolicy.class)) {
      String what = "NetworkPolicy " + policy.getMetadata().getName();
      Workload target = r.selectedWorkload(what, policy.getMetadata().getNamespace(), policy.getSpec().getPodSelector());
      for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
        for (NetworkPolicyPeer peer : rule.getFrom()) {
          r.selectedWorkload(what + " peer", policy.getMetadata().getNamespace(), peer.getPodSelector());
        }
        rule.getPorts().forEach(p -> containerPort(target.container(), p.getPort(), what + " port"));
      }
    }
    for (Workload workload : r.workloads()) {
      assertThat(workload.selector().getMatchLabels()).as("selector of %s", workload.describe()).isNotEmpty();
      assertThat(workload.podLabels()).as("pod labels of %s", workload.describe())
          .containsAllEntriesOf(workload.selector().getMatchLabels());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void apiServicesReachTheServersHttpsPort(Overlay overlay) {
    Rendered r = render(overlay);
    Deployment deployment = r.only(Deployment.class);
    ServerOptions options = serverOptions(deployment);
    for (APIService apiService : r.all(APIService.class)) {
      String what = "APIService " + apiService.getMetadata().getName();
      var reference = apiService.getSpec().getService();
      Service service = r.get(Service.class, reference.getNamespace(), reference.getName());
      int port = Objects.requireNonNullElse(reference.getPort(), 443);
      assertThat(port).as("%s port", what).isEqualTo(443);
      ServicePort servicePort = service.getSpec().getPorts().stream()
          .filter(p -> p.getPort() == port)
          .findFirst()
          .orElseThrow(() -> new AssertionError(what + ": Service " + reference.getName() + " has no port " + port));
      assertThat(servicePort.getTargetPort().getStrVal()).as("%s: targetPort names the container port", what)
          .isNotNull();
      Workload workload = r.selectedWorkload("Service " + service.getMetadata().getName(),
          service.getMetadata().getNamespace(), service.getSpec().getSelector());
      assertThat(workload.object()).as("%s: the Service selects the server", what).isSameAs(deployment);
      ContainerPort target = containerPort(workload.container(), servicePort.getTargetPort(), what);
      assertThat(target.getContainerPort()).as("%s: the server listens there (--secure-port)", what)
          .isEqualTo(options.securePort);
      assertThat(options.serviceName).as("--service-name").isEqualTo(reference.getName());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void serverFlagsParseAndNameMountedFiles(Overlay overlay) throws IOException {
    Rendered r = render(overlay);
    Deployment deployment = r.only(Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container container = r.workload(deployment).container();
    ServerOptions options = serverOptions(deployment);

    assertThat(options.storageBackend).isEqualTo("etcd");
    assertThat(options.authorizationMode).containsExactly("Delegated");
    assertThat(options.tlsCertFile).isNotNull();
    assertThat(options.registerApiServices).as("APIServices come from the manifests").isFalse();

    // Every file the server reads is in a read-only Secret volume, and those Secrets are the documented ones.
    String readme = Files.readString(repo.resolve("manifests/README.md"));
    List<Path> files = Stream.of(options.tlsCertFile, options.tlsPrivateKeyFile, options.etcdCaFile,
            options.etcdCertFile, options.etcdKeyFile, options.clientCaFile, options.requestheaderClientCaFile,
            options.tokenAuthFile, options.kubeconfig)
        .filter(Objects::nonNull)
        .toList();
    for (Path file : files) {
      Volume volume = volumeHolding(pod, container, file);
      assertThat(volume.getSecret()).as("volume %s holding %s is a Secret", volume.getName(), file).isNotNull();
      String secret = volume.getSecret().getSecretName();
      assertThat(secret).as("Secret holding %s", file).isIn(SERVING_SECRET, ETCD_CLIENT_SECRET);
      assertThat(readme).as("manifests/README.md names Secret %s", secret).contains(secret);
    }
    assertThat(volumeHolding(pod, container, options.tlsCertFile).getSecret().getSecretName())
        .isEqualTo(SERVING_SECRET);
    assertThat(options.tlsPrivateKeyFile.getParent()).isEqualTo(options.tlsCertFile.getParent());
    // The server writes only to --cert-dir and temporary files: an emptyDir, the root file system is read-only.
    Volume scratchVolume = volumeHolding(pod, container, options.certDir.resolve("ca.crt"));
    assertThat(scratchVolume.getEmptyDir()).as("--cert-dir on an emptyDir").isNotNull();
    assertThat(volumeHolding(pod, container, Path.of("/tmp/x")).getEmptyDir()).as("/tmp").isNotNull();
  }

  // ---- availability and hardening of the server

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void serverStaysAvailableThroughRolloutsAndDrains(Overlay overlay) {
    Rendered r = render(overlay);
    Deployment deployment = r.only(Deployment.class);
    Workload workload = r.workload(deployment);
    assertThat(deployment.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable())
        .isEqualTo(new IntOrString(0));
    assertThat(preferredAntiAffinity(workload)).as("preferred pod anti-affinity across nodes").isTrue();

    PodDisruptionBudget budget = r.all(PodDisruptionBudget.class).stream()
        .filter(b -> b.getSpec().getSelector().getMatchLabels().equals(workload.selector().getMatchLabels()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no PodDisruptionBudget for the Deployment"));
    assertThat(budget.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));

    Container container = workload.container();
    ContainerPort https = container.getPorts().stream().filter(p -> "https".equals(p.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("no container port named https"));
    assertThat(https.getContainerPort()).isEqualTo(8443);
    assertHttpsGet(container, container.getReadinessProbe(), "/readyz", "readiness");
    assertHttpsGet(container, container.getLivenessProbe(), "/livez", "liveness");

    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKey("memory");
    EnvVar podNamespace = container.getEnv().stream().filter(e -> e.getName().equals("POD_NAMESPACE")).findFirst()
        .orElseThrow(() -> new AssertionError("no POD_NAMESPACE variable"));
    assertThat(podNamespace.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void everyWorkloadRunsLockedDown(Overlay overlay) {
    Rendered r = render(overlay);
    for (Workload workload : r.workloads()) {
      String what = workload.describe();
      PodSecurityContext pod = Objects.requireNonNullElse(
          workload.template().getSpec().getSecurityContext(), new PodSecurityContext());
      SecurityContext container = Objects.requireNonNullElse(
          workload.container().getSecurityContext(), new SecurityContext());
      assertThat(firstNonNull(container.getRunAsNonRoot(), pod.getRunAsNonRoot())).as("%s runAsNonRoot", what)
          .isTrue();
      assertThat(firstNonNull(container.getRunAsUser(), pod.getRunAsUser())).as("%s runAsUser", what)
          .isEqualTo(65532L);
      assertThat(container.getReadOnlyRootFilesystem()).as("%s readOnlyRootFilesystem", what).isTrue();
      assertThat(container.getAllowPrivilegeEscalation()).as("%s allowPrivilegeEscalation", what).isFalse();
      assertThat(container.getCapabilities().getDrop()).as("%s dropped capabilities", what).contains("ALL");
      var seccomp = container.getSeccompProfile() != null ? container.getSeccompProfile() : pod.getSeccompProfile();
      assertThat(seccomp).as("%s seccomp profile", what).isNotNull();
      assertThat(seccomp.getType()).as("%s seccomp profile", what).isEqualTo("RuntimeDefault");
      assertThat(workload.container().getResources().getRequests()).as("%s requests", what)
          .containsKeys("cpu", "memory");
      assertThat(workload.container().getReadinessProbe()).as("%s readiness probe", what).isNotNull();
      assertThat(workload.container().getLivenessProbe()).as("%s liveness probe", what).isNotNull();
      assertThat(workload.container().getImage()).as("%s image (no registry host in the manifests)", what)
          .doesNotContain("/");
    }
  }

  // ---- what the server serves

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void oneApiServicePerServedGroupVersion(Overlay overlay) {
    assertOneApiServicePerServedGroupVersion(render(overlay), DefinitionLoader.bundledDemo());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void aggregatedRolesCoverEveryServedResource(Overlay overlay) {
    assertAggregatedRolesCover(render(overlay), DefinitionLoader.bundledDemo());
  }

  /** manifests/examples/own-definitions: the documented way to serve your own CRDs from a ConfigMap. */
  @Test
  void ownDefinitionsExampleRegistersWhatItMounts(@TempDir Path temp) throws IOException {
    Rendered r = render(repo.resolve("manifests/examples/own-definitions"));
    Deployment deployment = r.only(Deployment.class);
    ServerOptions options = serverOptions(deployment);
    assertThat(options.resourceDefinitions).as("--resource-definitions").isNotNull();
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container container = r.workload(deployment).container();
    VolumeMount mount = mountHolding(container, options.resourceDefinitions.resolve("x.yaml"));
    assertThat(Path.of(mount.getMountPath())).isEqualTo(options.resourceDefinitions);
    assertThat(mount.getReadOnly()).isTrue();
    Volume volume = volumeHolding(pod, container, options.resourceDefinitions.resolve("x.yaml"));
    assertThat(volume.getConfigMap()).as("definitions volume is a ConfigMap").isNotNull();
    ConfigMap definitions =
        r.get(ConfigMap.class, deployment.getMetadata().getNamespace(), volume.getConfigMap().getName());

    // What the server will load: the ConfigMap's files, read as the server reads --resource-definitions.
    for (var file : definitions.getData().entrySet()) {
      Files.writeString(temp.resolve(file.getKey()), file.getValue());
    }
    List<ResourceDefinition> served = DefinitionLoader.load(temp);
    assertThat(served).isNotEmpty();
    assertOneApiServicePerServedGroupVersion(r, served);
    assertAggregatedRolesCover(r, served);
    for (APIService apiService : r.all(APIService.class)) {
      var reference = apiService.getSpec().getService();
      r.get(Service.class, reference.getNamespace(), reference.getName());
    }
  }

  /** One APIService per group-version the server serves: {@code definitions} and Revisor's own kinds. */
  private static void assertOneApiServicePerServedGroupVersion(Rendered r, List<ResourceDefinition> definitions) {
    Set<String> served = new TreeSet<>();
    List<ResourceDefinition> all = new ArrayList<>(definitions);
    all.addAll(DefinitionLoader.system());
    for (ResourceDefinition definition : all) {
      for (ServedVersion version : definition.servedVersionsByPriority()) {
        served.add(version.name() + "." + definition.group());
      }
    }
    Set<String> registered = new TreeSet<>();
    for (APIService apiService : r.all(APIService.class)) {
      var spec = apiService.getSpec();
      String name = apiService.getMetadata().getName();
      assertThat(name).as("APIService name").isEqualTo(spec.getVersion() + "." + spec.getGroup());
      assertThat(spec.getGroupPriorityMinimum()).as("%s groupPriorityMinimum", name).isBetween(1, 19999);
      assertThat(spec.getVersionPriority()).as("%s versionPriority", name).isBetween(1, 999);
      assertThat(spec.getInsecureSkipTLSVerify()).as("%s insecureSkipTLSVerify", name).isNotEqualTo(Boolean.TRUE);
      registered.add(name);
    }
    assertThat(registered).as("APIServices of %s against the served group-versions", r.source()).isEqualTo(served);
  }

  /** view gets read verbs, edit and admin every verb, on every served resource and status subresource. */
  private static void assertAggregatedRolesCover(Rendered r, List<ResourceDefinition> definitions) {
    Map<String, List<String>> verbsByRole = Map.of("view", READ_VERBS, "edit", ALL_VERBS, "admin", ALL_VERBS);
    for (var entry : verbsByRole.entrySet()) {
      String label = "rbac.authorization.k8s.io/aggregate-to-" + entry.getKey();
      List<PolicyRule> rules = r.all(ClusterRole.class).stream()
          .filter(role -> "true".equals(labels(role).get(label)))
          .flatMap(role -> role.getRules().stream())
          .toList();
      for (ResourceDefinition definition : definitions) {
        List<String> resources = new ArrayList<>(List.of(definition.names().plural()));
        if (definition.versions().stream().anyMatch(ServedVersion::statusSubresource)) {
          resources.add(definition.names().plural() + "/status");
        }
        for (String resource : resources) {
          Set<String> granted = rules.stream()
              .filter(rule -> matches(rule.getApiGroups(), definition.group())
                  && matches(rule.getResources(), resource))
              .flatMap(rule -> rule.getVerbs().stream())
              .collect(Collectors.toSet());
          assertThat(granted).as("verbs on %s.%s aggregated to %s", resource, definition.group(), entry.getKey())
              .containsAll(entry.getValue());
        }
      }
      if (entry.getKey().equals("view")) {
        assertThat(rules.stream().flatMap(rule -> rule.getVerbs().stream()))
            .as("view stays read-only")
            .isSubsetOf(READ_VERBS);
      }
      for (ResourceDefinition system : DefinitionLoader.system()) {
        String resource = system.names().plural();
        Set<String> granted = rules.stream()
            .filter(rule -> matches(rule.getApiGroups(), system.group()) && matches(rule.getResources(), resource))
            .flatMap(rule -> rule.getVerbs().stream())
            .collect(Collectors.toSet());
        Set<String> expected = new java.util.TreeSet<>(READ_VERBS);
        if (!entry.getKey().equals("view") && resource.equals("restores")) {
          expected.addAll(ALL_VERBS);
        }
        assertThat(new java.util.TreeSet<>(granted)).as("verbs on %s.%s aggregated to %s", resource, system.group(),
            entry.getKey()).isEqualTo(expected);
      }
    }
  }

  // ---- etcd

  @ParameterizedTest(name = "{0}")
  @MethodSource("bundledEtcdOverlays")
  void bundledEtcdIsAThreeMemberClusterTheServerUses(Overlay overlay) {
    Rendered r = render(overlay);
    StatefulSet etcd = r.only(StatefulSet.class);
    Workload workload = r.workload(etcd);
    String namespace = etcd.getMetadata().getNamespace();
    String name = etcd.getMetadata().getName();
    int replicas = etcd.getSpec().getReplicas();
    assertThat(replicas).isEqualTo(3);
    assertThat(etcd.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
    assertThat(preferredAntiAffinity(workload)).as("preferred pod anti-affinity across nodes").isTrue();

    Service peers = r.get(Service.class, namespace, etcd.getSpec().getServiceName());
    assertThat(peers.getSpec().getClusterIP()).as("governing Service is headless").isEqualTo("None");
    assertThat(peers.getSpec().getPublishNotReadyAddresses()).as("members resolve before they are ready").isTrue();
    assertThat(r.selectedWorkload("Service " + peers.getMetadata().getName(), namespace,
        peers.getSpec().getSelector()).object()).isSameAs(etcd);
    assertThat(r.all(Service.class).stream()
        .filter(s -> !"None".equals(s.getSpec().getClusterIP()))
        .filter(s -> r.selectedWorkload("Service " + s.getMetadata().getName(), namespace,
            s.getSpec().getSelector()).object() == etcd))
        .as("a client Service").isNotEmpty();

    Container container = workload.container();
    int clientPort = containerPort(container, new IntOrString("client"), "etcd").getContainerPort();
    int peerPort = containerPort(container, new IntOrString("peer"), "etcd").getContainerPort();
    List<String> members = IntStream.range(0, replicas).mapToObj(i -> name + "-" + i).toList();
    String domain = peers.getMetadata().getName() + "." + namespace + ".svc";

    // The server's --etcd-servers: every member by its stable name, on the client port.
    assertThat(serverOptions(r.only(Deployment.class)).etcdServers).as("--etcd-servers")
        .containsExactlyInAnyOrderElementsOf(
            members.stream().map(m -> "http://" + m + "." + domain + ":" + clientPort).toList());

    // Each member's flags, as the kubelet expands them for that pod.
    List<String> initialCluster =
        members.stream().map(m -> m + "=http://" + m + "." + domain + ":" + peerPort).toList();
    for (String member : members) {
      List<String> args = expand(container, member, namespace);
      assertThat(flag(args, "--name")).isEqualTo(member);
      assertThat(List.of(flag(args, "--initial-cluster").split(",")))
          .containsExactlyInAnyOrderElementsOf(initialCluster);
      assertThat(flag(args, "--initial-advertise-peer-urls"))
          .isEqualTo("http://" + member + "." + domain + ":" + peerPort);
      assertThat(flag(args, "--advertise-client-urls"))
          .isEqualTo("http://" + member + "." + domain + ":" + clientPort);
      assertThat(flag(args, "--initial-cluster-state")).isEqualTo("new");
      // The data lives on the member's own claim.
      Path dataDir = Path.of(flag(args, "--data-dir"));
      VolumeMount mount = mountHolding(container, dataDir);
      assertThat(etcd.getSpec().getVolumeClaimTemplates()).as("a PersistentVolumeClaim per member")
          .anyMatch(claim -> claim.getMetadata().getName().equals(mount.getName()));
    }

    PodDisruptionBudget budget = r.get(PodDisruptionBudget.class, namespace, name);
    assertThat(budget.getSpec().getMaxUnavailable()).as("etcd budget keeps a quorum").isEqualTo(new IntOrString(1));

    // Without authentication on etcd, a NetworkPolicy admits the server to the client port and members to both.
    NetworkPolicy policy = r.all(NetworkPolicy.class).stream()
        .filter(p -> r.selectedWorkload("NetworkPolicy", namespace, p.getSpec().getPodSelector()).object() == etcd)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no NetworkPolicy guards etcd"));
    Workload server = r.workload(r.only(Deployment.class));
    assertThat(admits(r, policy, server, container, clientPort)).as("server -> etcd client port").isTrue();
    assertThat(admits(r, policy, workload, container, peerPort)).as("member -> etcd peer port").isTrue();
    assertThat(admits(r, policy, server, container, peerPort)).as("server -> etcd peer port").isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("externalEtcdOverlays")
  void externalEtcdIsReachedOverTlsWithAClientCertificate(Overlay overlay) {
    Rendered r = render(overlay);
    Deployment deployment = r.only(Deployment.class);
    ServerOptions options = serverOptions(deployment);
    assertThat(options.etcdServers).isNotEmpty().allMatch(url -> url.startsWith("https://"));
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container container = r.workload(deployment).container();
    for (Path file : List.of(options.etcdCaFile, options.etcdCertFile, options.etcdKeyFile)) {
      Volume volume = volumeHolding(pod, container, file);
      assertThat(volume.getSecret().getSecretName()).as("Secret holding %s", file).isEqualTo(ETCD_CLIENT_SECRET);
    }
    assertThat(r.all(NetworkPolicy.class)).as("no policy for an etcd that is not here").isEmpty();
  }

  // ---- certificates

  @ParameterizedTest(name = "{0}")
  @MethodSource("scriptOverlays")
  void scriptOverlaysLeaveTheCaBundleToTheScript(Overlay overlay) {
    for (APIService apiService : render(overlay).all(APIService.class)) {
      assertThat(apiService.getSpec().getCaBundle()).as("caBundle of %s", apiService.getMetadata().getName())
          .isNull();
      assertThat(annotations(apiService)).doesNotContainKey(INJECT_CA_FROM);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("certManagerOverlays")
  void certManagerIssuesTheServingCertificateAndInjectsItsCa(Overlay overlay) {
    Rendered r = render(overlay);
    Deployment deployment = r.only(Deployment.class);
    String namespace = deployment.getMetadata().getNamespace();
    ServerOptions options = serverOptions(deployment);
    String secretName = volumeHolding(deployment.getSpec().getTemplate().getSpec(), r.workload(deployment).container(),
        options.tlsCertFile).getSecret().getSecretName();

    GenericKubernetesResource serving = r.generic(CERT_MANAGER, "Certificate").stream()
        .filter(c -> secretName.equals(spec(c).get("secretName")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Certificate writes Secret " + secretName));
    assertThat(serving.getMetadata().getNamespace()).isEqualTo(namespace);
    for (APIService apiService : r.all(APIService.class)) {
      var reference = apiService.getSpec().getService();
      String service = reference.getName() + "." + reference.getNamespace();
      assertThat(stringList(spec(serving).get("dnsNames"))).as("dnsNames")
          .contains(reference.getName(), service, service + ".svc", service + ".svc.cluster.local");
      assertThat(annotations(apiService)).as("annotations of %s", apiService.getMetadata().getName())
          .containsEntry(INJECT_CA_FROM, namespace + "/" + serving.getMetadata().getName());
      assertThat(apiService.getSpec().getCaBundle()).as("caBundle (the cainjector fills it)").isNull();
    }
    if (spec(serving).get("usages") != null) {
      assertThat(stringList(spec(serving).get("usages"))).contains("server auth");
    }

    // serving Certificate -> CA Issuer -> CA Certificate -> self-signed Issuer
    GenericKubernetesResource caIssuer = r.getGeneric(CERT_MANAGER, "Issuer", namespace, issuerName(serving));
    Object caSecret = map(spec(caIssuer).get("ca")).get("secretName");
    GenericKubernetesResource ca = r.generic(CERT_MANAGER, "Certificate").stream()
        .filter(c -> Objects.equals(spec(c).get("secretName"), caSecret))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Certificate writes the CA Secret " + caSecret));
    assertThat(spec(ca).get("isCA")).isEqualTo(Boolean.TRUE);
    GenericKubernetesResource root = r.getGeneric(CERT_MANAGER, "Issuer", namespace, issuerName(ca));
    assertThat(spec(root)).containsKey("selfSigned");
  }

  @Test
  void installCertsScriptWritesTheSecretAndTheCaBundle(@TempDir Path temp) throws Exception {
    Path bash = Programs.find("bash", null);
    Programs.find("openssl", null);
    Path script = repo.resolve("hack/install-certs.sh");
    Path out = temp.resolve("install");

    Programs.Result help = Programs.run(temp, Map.of(), List.of(bash.toString(), script.toString(), "--help")).ok();
    assertThat(help.out()).contains("kubectl apply -k");

    Programs.run(temp, Map.of(), List.of(bash.toString(), script.toString(), "--output", out.toString())).ok();
    for (String key : List.of("ca.key", "tls.key")) {
      assertThat(Files.getPosixFilePermissions(out.resolve(key))).as("mode of %s", key)
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
    Rendered first = render(out);
    X509Certificate ca = checkInstall(first);

    // Again: the CA stays (and with it the caBundle), the serving certificate is new; the image is replaced.
    X509Certificate firstServing = servingCertificate(first);
    Programs.run(temp, Map.of(), List.of(bash.toString(), script.toString(), "--output=" + out,
        "--image=images.example.internal/revisor:0.2.0")).ok();
    Rendered second = render(out);
    assertThat(checkInstall(second)).isEqualTo(ca);
    assertThat(second.workload(second.only(Deployment.class)).container().getImage())
        .isEqualTo("images.example.internal/revisor:0.2.0");
    BigInteger secondSerial = servingCertificate(second).getSerialNumber();
    assertThat(secondSerial).as("serial of the re-issued certificate").isNotEqualTo(firstServing.getSerialNumber());
  }

  /** The rendered script output: Secret, caBundle, certificate chain and names. Returns the CA. */
  private static X509Certificate checkInstall(Rendered r) throws Exception {
    Deployment deployment = r.only(Deployment.class);
    ServerOptions options = serverOptions(deployment);
    Volume volume = volumeHolding(deployment.getSpec().getTemplate().getSpec(), r.workload(deployment).container(),
        options.tlsCertFile);
    Secret secret = r.get(Secret.class, deployment.getMetadata().getNamespace(), volume.getSecret().getSecretName());
    assertThat(secret.getMetadata().getName()).isEqualTo(SERVING_SECRET);
    assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
    assertThat(secret.getData()).containsKeys(options.tlsCertFile.getFileName().toString(),
        options.tlsPrivateKeyFile.getFileName().toString());

    X509Certificate ca = certificate(secretData(secret, "ca.crt"));
    assertThat(ca.getBasicConstraints()).as("the CA is a CA").isGreaterThanOrEqualTo(0);
    ca.checkValidity();
    List<APIService> apiServices = r.all(APIService.class);
    assertThat(apiServices).isNotEmpty();
    for (APIService apiService : apiServices) {
      assertThat(apiService.getSpec().getCaBundle()).as("caBundle of %s", apiService.getMetadata().getName())
          .isNotNull();
      assertThat(certificate(Base64.getDecoder().decode(apiService.getSpec().getCaBundle())))
          .as("caBundle of %s", apiService.getMetadata().getName())
          .isEqualTo(ca);
    }

    X509Certificate serving = servingCertificate(r);
    serving.verify(ca.getPublicKey());
    serving.checkValidity();
    assertThat(serving.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(serving.getExtendedKeyUsage()).as("EKU").contains("1.3.6.1.5.5.7.3.1");
    Set<String> names = new HashSet<>();
    for (List<?> san : serving.getSubjectAlternativeNames()) {
      if (Integer.valueOf(2).equals(san.get(0))) {
        names.add((String) san.get(1));
      }
    }
    assertThat(names).contains("revisor", "revisor.revisor", "revisor.revisor.svc",
        "revisor.revisor.svc.cluster.local");

    // The key belongs to the certificate.
    byte[] der = pemBody(new String(secretData(secret, "tls.key"),
        StandardCharsets.US_ASCII), "PRIVATE KEY");
    PrivateKey key = KeyFactory.getInstance(serving.getPublicKey().getAlgorithm())
        .generatePrivate(new PKCS8EncodedKeySpec(der));
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(key);
    signer.update("revisor".getBytes(StandardCharsets.UTF_8));
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(serving.getPublicKey());
    verifier.update("revisor".getBytes(StandardCharsets.UTF_8));
    assertThat(verifier.verify(signature)).as("tls.key signs for tls.crt").isTrue();
    return ca;
  }

  private static X509Certificate servingCertificate(Rendered r) throws Exception {
    Secret secret = r.get(Secret.class, "revisor", SERVING_SECRET);
    return certificate(secretData(secret, "tls.crt"));
  }

  // ---- helpers

  /** The server's flags from the Deployment, parsed and checked exactly as the server does at start. */
  private static ServerOptions serverOptions(Deployment deployment) {
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getCommand()).as("command (the image's entrypoint runs the server)").isNullOrEmpty();
    ServerOptions options = new ServerOptions();
    new CommandLine(options).parseArgs(container.getArgs().toArray(String[]::new));
    assertThat(options.validate()).as("problems with the Deployment's flags").isEmpty();
    return options;
  }

  private static ContainerPort containerPort(Container container, IntOrString port, String what) {
    assertThat(port).as("port of %s", what).isNotNull();
    return container.getPorts().stream()
        .filter(p -> port.getStrVal() != null ? port.getStrVal().equals(p.getName())
            : port.getIntVal().equals(p.getContainerPort()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(what + ": container " + container.getName() + " has no port "
            + (port.getStrVal() != null ? port.getStrVal() : port.getIntVal())));
  }

  private static void assertHttpsGet(Container container, Probe probe, String path, String what) {
    assertThat(probe).as("%s probe", what).isNotNull();
    HTTPGetAction get = probe.getHttpGet();
    assertThat(get).as("%s probe is an HTTP GET", what).isNotNull();
    assertThat(get.getScheme()).as("%s probe scheme", what).isEqualTo("HTTPS");
    assertThat(get.getPath()).as("%s probe path", what).isEqualTo(path);
    assertThat(containerPort(container, get.getPort(), what + " probe").getName()).isEqualTo("https");
  }

  private static boolean preferredAntiAffinity(Workload workload) {
    var affinity = workload.template().getSpec().getAffinity();
    if (affinity == null || affinity.getPodAntiAffinity() == null) {
      return false;
    }
    for (WeightedPodAffinityTerm term
        : affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()) {
      var podTerm = term.getPodAffinityTerm();
      if ("kubernetes.io/hostname".equals(podTerm.getTopologyKey())
          && podTerm.getLabelSelector() != null
          && workload.podLabels().entrySet().containsAll(podTerm.getLabelSelector().getMatchLabels().entrySet())) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code policy} admits pods of {@code from} to {@code port} of {@code target}'s container. */
  private static boolean admits(Rendered r, NetworkPolicy policy, Workload from, Container target, int port) {
    for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
      boolean peer = rule.getFrom().stream().anyMatch(p -> p.getPodSelector() != null
          && from.podLabels().entrySet().containsAll(p.getPodSelector().getMatchLabels().entrySet()));
      boolean ports = rule.getPorts().stream()
          .anyMatch(p -> containerPort(target, p.getPort(), "NetworkPolicy").getContainerPort() == port);
      if (peer && ports) {
        return true;
      }
    }
    return false;
  }

  /** The mount whose path holds {@code file}, the deepest one. */
  private static VolumeMount mountHolding(Container container, Path file) {
    return container.getVolumeMounts().stream()
        .filter(m -> file.startsWith(Path.of(m.getMountPath())) && !file.equals(Path.of(m.getMountPath())))
        .max((a, b) -> Integer.compare(a.getMountPath().length(), b.getMountPath().length()))
        .orElseThrow(() -> new AssertionError(file + " is on no volume of container " + container.getName()));
  }

  /** The volume holding {@code file}; Secret volumes must be mounted read-only and without subPath. */
  private static Volume volumeHolding(PodSpec pod, Container container, Path file) {
    VolumeMount mount = mountHolding(container, file);
    Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
        .orElseThrow(() -> new AssertionError("mount " + mount.getName() + " has no volume"));
    if (volume.getSecret() != null) {
      assertThat(mount.getReadOnly()).as("mount %s read-only", mount.getName()).isTrue();
      assertThat(mount.getSubPath()).as("mount %s without subPath (else updates never arrive)", mount.getName())
          .isNull();
    }
    return volume;
  }

  /** The container's args as the kubelet expands them in pod {@code podName}: $(VAR) from downward API fields. */
  private static List<String> expand(Container container, String podName, String namespace) {
    Map<String, String> fields = Map.of("metadata.name", podName, "metadata.namespace", namespace);
    List<String> args = new ArrayList<>();
    for (String arg : container.getArgs()) {
      for (EnvVar env : container.getEnv()) {
        if (env.getValueFrom() != null && env.getValueFrom().getFieldRef() != null) {
          String value = fields.get(env.getValueFrom().getFieldRef().getFieldPath());
          if (value != null) {
            arg = arg.replace("$(" + env.getName() + ")", value);
          }
        }
      }
      assertThat(arg).as("an unexpanded variable").doesNotContain("$(");
      args.add(arg);
    }
    return args;
  }

  /** The value of {@code --name=value}, given exactly once. */
  private static String flag(List<String> args, String name) {
    List<String> values = args.stream().filter(a -> a.startsWith(name + "=")).map(a -> a.substring(name.length() + 1))
        .toList();
    assertThat(values).as("flag %s", name).hasSize(1);
    return values.get(0);
  }

  private static boolean matches(List<String> patterns, String value) {
    return patterns.contains(value) || patterns.contains("*");
  }

  private static Map<String, String> labels(HasMetadata o) {
    return Objects.requireNonNullElse(o.getMetadata().getLabels(), Map.of());
  }

  private static Map<String, String> annotations(HasMetadata o) {
    return Objects.requireNonNullElse(o.getMetadata().getAnnotations(), Map.of());
  }

  private static Map<String, Object> spec(GenericKubernetesResource o) {
    return map(o.getAdditionalProperties().get("spec"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  private static List<String> stringList(Object o) {
    assertThat(o).isInstanceOf(List.class);
    return ((List<?>) o).stream().map(String::valueOf).toList();
  }

  private static String issuerName(GenericKubernetesResource certificate) {
    Map<String, Object> ref = map(spec(certificate).get("issuerRef"));
    assertThat(ref.getOrDefault("kind", "Issuer")).isEqualTo("Issuer");
    return (String) ref.get("name");
  }

  private static <T> T firstNonNull(T a, T b) {
    return a != null ? a : b;
  }

  /** A Secret's value (base64, wrapped by kustomize). */
  private static byte[] secretData(Secret secret, String key) {
    assertThat(secret.getData()).containsKey(key);
    return Base64.getMimeDecoder().decode(secret.getData().get(key));
  }

  private static X509Certificate certificate(byte[] pem) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
  }

  private static byte[] pemBody(String pem, String type) {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    assertThat(from).as("PEM %s block", type).isNotNegative();
    return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
  }
}
