package io.revisor.apiserver.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
  // Serving
  @Option(names = "--secure-port", defaultValue = "8443", description = "HTTPS port. Default: ${DEFAULT-VALUE}.")
  public int securePort;

  @Option(names = "--bind-address", defaultValue = "0.0.0.0",
      description = "Address to listen on. Default: ${DEFAULT-VALUE}.")
  public String bindAddress;

  @Option(names = "--cert-dir", defaultValue = ".revisor/certs",
      description = "Directory of the generated CA and serving certificate (used when --tls-cert-file is not given; "
          + "reused across restarts). Default: ${DEFAULT-VALUE}.")
  public Path certDir;

  @Option(names = "--tls-cert-file", description = "Serving certificate (PEM, may include intermediates).")
  public Path tlsCertFile;

  @Option(names = "--tls-private-key-file", description = "Private key of --tls-cert-file (PEM).")
  public Path tlsPrivateKeyFile;

  @Option(names = "--tls-sans", split = ",",
      description = "Extra subject alternative names (DNS names or IPs) for the generated serving certificate.")
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

  // Authentication and authorization (standalone)
  @Option(names = "--token-auth-file",
      description = "Static bearer tokens, CSV lines token,user,uid,\"group1,group2\" (kube's format).")
  public Path tokenAuthFile;

  @Option(names = "--client-ca-file",
      description = "CA bundle; client certificates signed by it authenticate as CN (user) and O (groups).")
  public Path clientCaFile;

  @Option(names = "--anonymous-auth", defaultValue = "true", arity = "1",
      description = "Treat requests without credentials as system:anonymous (allowed only on "
          + "--authorization-always-allow-paths). Default: ${DEFAULT-VALUE}.")
  public boolean anonymousAuth;

  @Option(names = "--authorization-mode", defaultValue = "AlwaysAllow",
      description = "AlwaysAllow: every authenticated user may do everything. Default: ${DEFAULT-VALUE}.")
  public String authorizationMode;

  @Option(names = "--authorization-always-allow-paths", split = ",", defaultValue = "/healthz,/readyz,/livez",
      description = "Paths anyone may reach, even anonymously. Default: ${DEFAULT-VALUE}.")
  public List<String> alwaysAllowPaths;

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
    if (!storageBackend.equals("embedded") && !storageBackend.equals("etcd")) {
      problems.add("--storage-backend must be embedded or etcd");
    }
    if (storageBackend.equals("etcd") && etcdServers.isEmpty()) {
      problems.add("--storage-backend=etcd needs --etcd-servers");
    }
    if ((etcdCertFile == null) != (etcdKeyFile == null)) {
      problems.add("--etcd-certfile and --etcd-keyfile must be given together");
    }
    if (!authorizationMode.equals("AlwaysAllow")) {
      problems.add("--authorization-mode: only AlwaysAllow is supported in this version");
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
    return problems;
  }
}
