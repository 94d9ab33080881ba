package io.revisor.apiserver.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line, with kube-apiserver's flag names. Parsed by picocli; {@code --help} prints every flag with its
 * default.
 */
@Command(
    name = "revisor",
    mixinStandardHelpOptions = true,
    versionProvider = BuildInfo.class,
    sortOptions = false,
    usageHelpWidth = 110,
    description = "Revisor: a Kubernetes API server for CustomResourceDefinition-declared resources, stored in its own "
        + "etcd (or an embedded store) with every version kept.")
public final class ServerOptions {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  // Serving
  @Option(names = "--secure-port", defaultValue = "8443", description = "HTTPS port. Default: ${DEFAULT-VALUE}.")
  public int securePort;

  @Option(names = "--bind-address", defaultValue = "0.0.0.0",
      description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
  public String bindAddress;

  @Option(names = "--cert-dir", defaultValue = ".revisor/certs",
      description = "Directory of the generated CA and serving certificate (used when --tls-cert-file is not given; "
          + "reused across restarts, renewed while running 30 days before expiry). Default: ${DEFAULT-VALUE}.")
  public Path certDir;

  @Option(names = "--tls-cert-file",
      description = "Serving certificate (PEM, may include intermediates). Watched with the key: a new matching pair "
          + "is served to new connections without a restart; open connections keep working.")
  public Path tlsCertFile;

  @Option(names = "--tls-private-key-file", description = "Private key of --tls-cert-file (PEM).")
  public Path tlsPrivateKeyFile;

  @Option(names = "--tls-sans", split = ",",
      description = "Extra subject alternative names (DNS names or IPs) for the generated serving certificate. A "
          + "Service name (<svc>.<ns>.svc or <svc>.<ns>.svc.cluster.local) adds all four forms; in a pod the names of "
          + "--service-name are added anyway.")
  public List<String> tlsSans = new ArrayList<>();

  @Option(names = "--http2-max-streams-per-connection", defaultValue = "1000",
      description = "Concurrent HTTP/2 streams per connection. Default: ${DEFAULT-VALUE}.")
  public int http2MaxStreams;

  @Option(names = "--max-request-body-bytes", defaultValue = "3145728",
      description = "Largest request body accepted; larger ones get 413. Default: ${DEFAULT-VALUE} (3 MiB).")
  public long maxRequestBodyBytes;

  @Option(names = "--request-timeout", defaultValue = "60s",
      description = "Deadline of non-watch requests. Default: ${DEFAULT-VALUE}.", converter = DurationConverter.class)
  public Duration requestTimeout;

  @Option(names = "--watch-bookmark-interval", defaultValue = "60s",
      description = "How often watches with allowWatchBookmarks get a bookmark. Default: ${DEFAULT-VALUE}.",
      converter = DurationConverter.class)
  public Duration bookmarkInterval;

  @Option(names = "--table-cache-size", defaultValue = "64Mi", converter = ByteSizeConverter.class,
      description = "Memory for Table rows (kubectl get) kept for reuse by later lists and watches, about, in bytes "
          + "(e.g. 64Mi, 1Gi); 0 keeps none. Default: ${DEFAULT-VALUE}.")
  public long tableCacheSize;

  // Resources
  @Option(names = "--resource-definitions",
      description = "CustomResourceDefinition manifest file or directory of them. Default: the bundled demo set "
          + "(demo.revisor.io: Dashboard, Folder, Organization).")
  public Path resourceDefinitions;

  // Storage
  @Option(names = "--storage-backend", defaultValue = "embedded",
      description = "embedded (a local directory) or etcd. Default: ${DEFAULT-VALUE}.")
  public String storageBackend;

  @Option(names = "--data-dir", defaultValue = ".revisor/data",
      description = "Directory of the embedded store. Default: ${DEFAULT-VALUE}.")
  public Path dataDir;

  @Option(names = "--etcd-servers", split = ",", description = "etcd client URLs, comma-separated.")
  public List<String> etcdServers = new ArrayList<>();

  @Option(names = "--etcd-prefix", defaultValue = "/revisor",
      description = "Key prefix of everything Revisor stores. Default: ${DEFAULT-VALUE}.")
  public String etcdPrefix;

  @Option(names = "--etcd-cafile", description = "CA bundle to verify etcd's serving certificate.")
  public Path etcdCaFile;

  @Option(names = "--etcd-certfile", description = "Client certificate for etcd.")
  public Path etcdCertFile;

  @Option(names = "--etcd-keyfile", description = "Client key for etcd.")
  public Path etcdKeyFile;

  @Option(names = "--etcd-compaction-interval", defaultValue = "5m",
      description = "How often etcd (or the embedded store) is compacted; 0 disables. Default: ${DEFAULT-VALUE}.",
      converter = DurationConverter.class)
  public Duration compactionInterval;

  @Option(names = "--retention-keep-versions", defaultValue = "0",
      description = "Superseded versions kept per object, newest first; older ones are pruned. 0 keeps every version. "
          + "A definition's revisor.io/retention-keep-versions annotation overrides it for its kind. "
          + "Default: ${DEFAULT-VALUE}.")
  public int retentionKeepVersions;

  @Option(names = "--retention-max-age", converter = DurationConverter.class,
      description = "Prune superseded versions that ended longer ago than this (e.g. 30d, 168h); 0 keeps them "
          + "forever. A definition's revisor.io/retention-max-age annotation overrides it for its kind. "
          + "Default: forever.")
  public Duration retentionMaxAge;

  @Option(names = "--trash-ttl", converter = DurationConverter.class,
      description = "Drop the trash entries (what restores a deleted object) of objects deleted longer ago than this "
          + "(e.g. 30d); 0 keeps them forever. A definition's revisor.io/trash-ttl annotation overrides it for its "
          + "kind. Default: forever.")
  public Duration trashTtl;

  @Option(names = "--retention-prune-interval", defaultValue = "10m", converter = DurationConverter.class,
      description = "How often retention is applied and unreferenced chunks are collected (by one replica at a "
          + "time); 0 disables both. Default: ${DEFAULT-VALUE}.")
  public Duration retentionPruneInterval;

  // Authentication
  @Option(names = "--token-auth-file",
      description = "Static bearer tokens, CSV lines token,user,uid,\"group1,group2\" (kube's format).")
  public Path tokenAuthFile;

  @Option(names = "--client-ca-file",
      description = "CA bundle; client certificates signed by it authenticate as CN (user) and O (groups). Reloaded "
          + "when the file changes. Default: client-ca-file of the extension-apiserver-authentication ConfigMap "
          + "when a cluster is configured.")
  public Path clientCaFile;

  @Option(names = "--requestheader-client-ca-file",
      description = "CA bundle of the front proxy (kube-apiserver's aggregator): its client certificates may assert "
          + "users in the request headers. Reloaded when the file changes. Default: from the ConfigMap.")
  public Path requestheaderClientCaFile;

  @Option(names = "--requestheader-allowed-names", split = ",",
      description = "Common names a front-proxy client certificate may have; empty: any name.")
  public List<String> requestheaderAllowedNames = new ArrayList<>();

  @Option(names = "--requestheader-username-headers", split = ",", defaultValue = "X-Remote-User",
      description = "Headers carrying the user name, first non-empty wins. Default: ${DEFAULT-VALUE}.")
  public List<String> requestheaderUsernameHeaders;

  @Option(names = "--requestheader-uid-headers", split = ",", defaultValue = "X-Remote-Uid",
      description = "Headers carrying the user's UID. Default: ${DEFAULT-VALUE}.")
  public List<String> requestheaderUidHeaders;

  @Option(names = "--requestheader-group-headers", split = ",", defaultValue = "X-Remote-Group",
      description = "Headers carrying the groups, all values. Default: ${DEFAULT-VALUE}.")
  public List<String> requestheaderGroupHeaders;

  @Option(names = "--requestheader-extra-headers-prefix", split = ",", defaultValue = "X-Remote-Extra-",
      description = "Prefixes of headers carrying extra attributes. Default: ${DEFAULT-VALUE}.")
  public List<String> requestheaderExtraHeadersPrefix;

  @Option(names = "--kubeconfig",
      description = "kubeconfig of the cluster this server extends (TokenReview, SubjectAccessReview, the "
          + "authentication ConfigMap, APIService registration). Default: the in-cluster service account when "
          + "running in a pod.")
  public Path kubeconfig;

  @Option(names = "--authentication-kubeconfig",
      description = "kubeconfig for TokenReview and the authentication ConfigMap. Default: --kubeconfig.")
  public Path authenticationKubeconfig;

  @Option(names = "--authentication-skip-lookup", defaultValue = "false", arity = "0..1",
      description = "Do not read kube-system/extension-apiserver-authentication. Default: ${DEFAULT-VALUE}.")
  public boolean authenticationSkipLookup;

  @Option(names = "--authentication-tolerate-lookup-failure", defaultValue = "false", arity = "0..1",
      description = "Report ready even when the authentication ConfigMap cannot be read (front-proxy and client "
          + "certificate users then fail until it can). Default: ${DEFAULT-VALUE}.")
  public boolean authenticationTolerateLookupFailure;

  @Option(names = "--authentication-token-webhook-cache-ttl", defaultValue = "10s", converter = DurationConverter.class,
      description = "How long a successful TokenReview is cached. Default: ${DEFAULT-VALUE}.")
  public Duration tokenCacheTtl;

  @Option(names = "--authentication-token-webhook-cache-failure-ttl", defaultValue = "10s",
      converter = DurationConverter.class,
      description = "How long a TokenReview that rejected the token is cached. Default: ${DEFAULT-VALUE}.")
  public Duration tokenCacheFailureTtl;

  @Option(names = "--api-audiences", split = ",",
      description = "Audiences sent in TokenReviews; the token must be valid for one of them. Default: none (the "
          + "cluster's own audience).")
  public List<String> apiAudiences = new ArrayList<>();

  @Option(names = "--anonymous-auth", defaultValue = "true", arity = "1",
      description = "Treat requests without credentials as system:anonymous (allowed only on "
          + "--authorization-always-allow-paths unless a policy allows more). Default: ${DEFAULT-VALUE}.")
  public boolean anonymousAuth;

  // Authorization
  @Option(names = "--authorization-mode", split = ",", defaultValue = "AlwaysAllow",
      description = "Comma-separated, tried in order: AlwaysAllow (every authenticated user may do everything), "
          + "ABAC (--authorization-policy-file), Delegated (SubjectAccessReview to the cluster). "
          + "Default: ${DEFAULT-VALUE}.")
  public List<String> authorizationMode;

  @Option(names = "--authorization-policy-file",
      description = "ABAC policy, one JSON object per line in kube's format "
          + "({\"apiVersion\":\"abac.authorization.kubernetes.io/v1beta1\",\"kind\":\"Policy\",\"spec\":{...}}).")
  public Path authorizationPolicyFile;

  @Option(names = "--authorization-kubeconfig",
      description = "kubeconfig for SubjectAccessReview. Default: --kubeconfig.")
  public Path authorizationKubeconfig;

  @Option(names = "--authorization-webhook-cache-authorized-ttl", defaultValue = "10s",
      converter = DurationConverter.class, description = "How long an allowed review is cached. Default: ${DEFAULT-VALUE}.")
  public Duration authorizedCacheTtl;

  @Option(names = "--authorization-webhook-cache-unauthorized-ttl", defaultValue = "10s",
      converter = DurationConverter.class, description = "How long a denied review is cached. Default: ${DEFAULT-VALUE}.")
  public Duration unauthorizedCacheTtl;

  @Option(names = "--authorization-always-allow-paths", split = ",", defaultValue = "/healthz,/readyz,/livez",
      description = "Paths anyone may reach, even anonymously. Default: ${DEFAULT-VALUE}.")
  public List<String> alwaysAllowPaths;

  @Option(names = "--delegation-timeout", defaultValue = "10s", converter = DurationConverter.class,
      description = "Deadline of one TokenReview or SubjectAccessReview, retries included. Default: ${DEFAULT-VALUE}.")
  public Duration delegationTimeout;

  @Option(names = "--delegation-attempts", defaultValue = "3",
      description = "Attempts per review when the cluster answers 429, 5xx or not at all. Default: ${DEFAULT-VALUE}.")
  public int delegationAttempts;

  // Registration in a cluster
  @Option(names = "--register-apiservices", defaultValue = "false", arity = "0..1",
      description = "Create or update an APIService per served group-version, pointing at --service-namespace/"
          + "--service-name with the serving CA as caBundle; in the background, retried every 30 s until done, and "
          + "again whenever the CA file changes. Needs --kubeconfig or a pod. Default: ${DEFAULT-VALUE}.")
  public boolean registerApiServices;

  @Option(names = "--apiservice-ca-file",
      description = "CA bundle written into the APIServices. Default: the generated ca.crt, or ca.crt beside "
          + "--tls-cert-file.")
  public Path apiServiceCaFile;

  @Option(names = "--service-name", defaultValue = "revisor",
      description = "Name of the Service in front of this server (APIServices; in a pod, names of the generated "
          + "certificate). Default: ${DEFAULT-VALUE}.")
  public String serviceName;

  @Option(names = "--service-namespace",
      description = "Namespace of that Service. Default: the pod's namespace in a cluster, else revisor.")
  public String serviceNamespace;

  @Option(names = "--shutdown-delay-duration", defaultValue = "0s", converter = DurationConverter.class,
      description = "On SIGTERM, fail /readyz at once but keep serving this long before stopping, so that load "
          + "balancers and Service endpoints stop sending requests first (lossless rolling updates). "
          + "Default: ${DEFAULT-VALUE}.")
  public Duration shutdownDelay;

  // Watch cache
  @Option(names = "--watch-cache", defaultValue = "true", arity = "0..1",
      description = "Serve lists and watches from memory: one storage watch per resource type feeds its objects and "
          + "recent changes, and every API watcher. Default: ${DEFAULT-VALUE}.")
  public boolean watchCache;

  @Option(names = "--watch-cache-window", defaultValue = "10000",
      description = "Recent changes kept per resource type: a watch resumes from any resourceVersion they cover "
          + "without reading storage. Default: ${DEFAULT-VALUE}.")
  public int watchCacheWindow;

  @Option(names = "--watch-cache-watcher-buffer", defaultValue = "1000",
      description = "Changes a watcher may fall behind before it is closed with 410 Expired (its client lists "
          + "again), so that it never holds up others. Default: ${DEFAULT-VALUE}.")
  public int watchCacheWatcherBuffer;

  // Metrics
  @Option(names = "--metrics-per-namespace", defaultValue = "false", arity = "0..1",
      description = "Label revisor_objects and revisor_object_bytes by namespace instead of summing over namespaces. "
          + "For small installations: one series per namespace and resource. Default: ${DEFAULT-VALUE}.")
  public boolean metricsPerNamespace;

  @Option(names = "--metrics-refresh-interval", defaultValue = "30s", converter = DurationConverter.class,
      description = "How often revisor_objects and revisor_object_bytes are read from storage. "
          + "Default: ${DEFAULT-VALUE}.")
  public Duration metricsRefreshInterval;

  // Local development
  @Option(names = "--write-kubeconfig",
      description = "After start, write a kubeconfig for this server here (with the serving CA and the token of "
          + "user 'admin' from --token-auth-file).")
  public Path writeKubeconfig;

  /** Checks combinations picocli cannot; returns the problems, empty when fine. */
  public List<String> validate() {
    List<String> problems = new ArrayList<>();
    if (securePort < 0 || securePort > 65535) {
      problems.add("--secure-port must be between 0 and 65535");
    }
    if ((tlsCertFile == null) != (tlsPrivateKeyFile == null)) {
      problems.add("--tls-cert-file and --tls-private-key-file must be given together");
    }
    if (!DNS_LABEL.matcher(serviceName).matches()) {
      problems.add("--service-name must be a DNS label (lower case letters, digits and '-', at most 63)");
    }
    if (serviceNamespace != null && !DNS_LABEL.matcher(serviceNamespace).matches()) {
      problems.add("--service-namespace must be a DNS label (lower case letters, digits and '-', at most 63)");
    }
    if (!storageBackend.equals("embedded") && !storageBackend.equals("etcd")) {
      problems.add("--storage-backend must be embedded or etcd");
    }
    if (storageBackend.equals("etcd") && etcdServers.isEmpty()) {
      problems.add("--storage-backend=etcd needs --etcd-servers");
    }
    if ((etcdCertFile == null) != (etcdKeyFile == null)) {
      problems.add("--etcd-certfile and --etcd-keyfile must be given together");
    }
    for (String mode : authorizationMode) {
      if (!List.of("AlwaysAllow", "ABAC", "Delegated").contains(mode)) {
        problems.add("--authorization-mode: unknown mode " + mode + " (AlwaysAllow, ABAC, Delegated)");
      }
    }
    if (new java.util.HashSet<>(authorizationMode).size() != authorizationMode.size()) {
      problems.add("--authorization-mode: a mode is given twice");
    }
    if (authorizationMode.contains("ABAC") != (authorizationPolicyFile != null)) {
      problems.add("--authorization-policy-file goes with --authorization-mode=ABAC");
    }
    if (shutdownDelay.isNegative()) {
      problems.add("--shutdown-delay-duration must not be negative");
    }
    if (delegationAttempts < 1) {
      problems.add("--delegation-attempts must be at least 1");
    }
    if (delegationTimeout.isZero() || delegationTimeout.isNegative()) {
      problems.add("--delegation-timeout must be positive");
    }
    if (http2MaxStreams < 1) {
      problems.add("--http2-max-streams-per-connection must be positive");
    }
    if (maxRequestBodyBytes < 1024) {
      problems.add("--max-request-body-bytes must be at least 1024");
    }
    if (!etcdPrefix.startsWith("/") || etcdPrefix.endsWith("/")) {
      problems.add("--etcd-prefix must start with / and not end with /");
    }
    if (retentionKeepVersions < 0) {
      problems.add("--retention-keep-versions must not be negative (0 keeps every version)");
    }
    if (watchCacheWindow <= 0 || watchCacheWatcherBuffer <= 0) {
      problems.add("--watch-cache-window and --watch-cache-watcher-buffer must be positive");
    }
    if (metricsRefreshInterval.isZero()) {
      problems.add("--metrics-refresh-interval must be positive");
    }
    return problems;
  }
}
