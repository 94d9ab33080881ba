package io.revisor.apiserver;

import io.revisor.apiserver.auth.TokenFileAuthenticator;
import io.revisor.apiserver.cluster.ClusterClients;
import io.revisor.apiserver.cluster.ServiceLocation;
import io.revisor.apiserver.config.ServerOptions;
import io.revisor.apiserver.crd.DefinitionException;
import io.revisor.apiserver.crd.DefinitionLoader;
import io.revisor.apiserver.crd.ResourceDefinition;
import io.revisor.apiserver.crd.ResourceRegistry;
import io.revisor.apiserver.health.HealthCheck;
import io.revisor.apiserver.http.ApiServer;
import io.revisor.apiserver.http.ServerSettings;
import io.revisor.apiserver.metrics.ApiMetrics;
import io.revisor.apiserver.metrics.MeteredResourceStore;
import io.revisor.apiserver.metrics.ObjectGauges;
import io.revisor.apiserver.metrics.WatchCacheGauges;
import io.revisor.apiserver.system.SystemKinds;
import io.revisor.apiserver.tls.KeyCertPair;
import io.revisor.apiserver.tls.SelfSignedCertificates;
import io.revisor.apiserver.tls.ServiceDnsNames;
import io.revisor.apiserver.tls.ServingCertificates;
import io.revisor.storage.kv.KvStore;
import io.revisor.storage.kv.embedded.EmbeddedKvStore;
import io.revisor.storage.kv.embedded.EmbeddedKvStoreOptions;
import io.revisor.storage.kv.etcd.EtcdKvStore;
import io.revisor.storage.kv.etcd.EtcdKvStoreOptions;
import io.revisor.storage.resource.Maintenance;
import io.revisor.storage.resource.MaintenanceOptions;
import io.revisor.storage.resource.ResourceStore;
import io.revisor.storage.resource.ResourceStoreOptions;
import io.revisor.storage.cache.WatchCache;
import io.revisor.storage.cache.WatchCacheOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running server: storage, maintenance, the HTTPS endpoints. Built from the command line by {@link Main}, and
 * by tests with their own options. Closing it stops everything it started, in reverse order.
 */
public final class Revisor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Revisor.class);

  private final ServerOptions options;
  private final ResourceRegistry registry;
  private final AccessControl access;
  private final AtomicBoolean shuttingDown;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final KvStore kv;
  private final ResourceStore store;
  private final Maintenance maintenance;
  private final ObjectGauges objectGauges;
  private final Vertx vertx;
  private final ApiServer server;
  private final Path caFile;
  /** Certificate reload and renewal, APIService registration; set once at start. */
  private BackgroundTasks background;

  private Revisor(ServerOptions options, ResourceRegistry registry, AccessControl access, KvStore kv,
      ResourceStore store, Maintenance maintenance, ObjectGauges objectGauges, Vertx vertx, ApiServer server,
      Path caFile, AtomicBoolean shuttingDown) {
    this.options = options;
    this.registry = registry;
    this.access = access;
    this.shuttingDown = shuttingDown;
    this.kv = kv;
    this.store = store;
    this.maintenance = maintenance;
    this.objectGauges = objectGauges;
    this.vertx = vertx;
    this.server = server;
    this.caFile = caFile;
  }

  /**
   * Starts a server from validated options.
   *
   * @throws StartupException when definitions, certificates, storage or the port are not usable
   */
  public static Revisor start(ServerOptions options) {
    AtomicBoolean shuttingDown = new AtomicBoolean();
    ResourceRegistry registry = ResourceRegistry.of(definitions(options));
    RetentionSettings retention = RetentionSettings.of(options, registry);
    ClusterClients clusters = new ClusterClients();
    AccessControl access = AccessControl.assemble(options, clusters);
    Serving serving;
    KvStore kv;
    try {
      serving = Serving.prepare(options);
      BackgroundTasks.check(options, serving, clusters);
      kv = openKv(options);
    } catch (RuntimeException e) {
      access.close();
      throw e;
    }
    ResourceStore raw = ResourceStore.open(kv, ResourceStoreOptions.builder().keyPrefix(options.etcdPrefix).build());
    Maintenance maintenance = Maintenance.start(kv, MaintenanceOptions.defaults(options.etcdPrefix)
        .withIntervals(options.compactionInterval, options.retentionPruneInterval).withRetention(retention));
    ApiMetrics metrics = new ApiMetrics();
    ResourceStore served = raw;
    if (options.watchCache) {
      WatchCache cache = WatchCache.owning(raw, WatchCacheOptions.defaults()
          .withWindowEvents(options.watchCacheWindow).withWatcherBuffer(options.watchCacheWatcherBuffer));
      WatchCacheGauges.register(cache, metrics.registry());
      served = cache;
    }
    ResourceStore store = SystemKinds.enforcingQuotas(new MeteredResourceStore(served, metrics));
    Vertx vertx = Vertx.vertx();
    access.start();
    ServerSettings settings = new ServerSettings(registry, store, metrics, serving.keyCert(), access.clientTrust(),
        access.authenticators, options.anonymousAuth, access.certificates, access.authorizer, readiness(access, shuttingDown),
        options.bindAddress,
        options.securePort, options.http2MaxStreams, options.maxRequestBodyBytes, options.requestTimeout,
        options.bookmarkInterval, options.tableCacheSize, Clock.systemUTC(),
        SystemKinds.views(registry, store, access.authorizer));
    ApiServer server;
    try {
      server = ApiServer.start(vertx, settings, router -> Endpoints.mount(router, registry),
              Math.max(2, Runtime.getRuntime().availableProcessors()))
          .await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      access.close();
      maintenance.close();
      store.close();
      kv.close();
      throw new StartupException("cannot listen on " + options.bindAddress + ":" + options.securePort + ": " + e.getMessage(), e);
    }
    // The kinds with stored objects (those that can be created; Revisor's read-only kinds are computed), read from
    // the unmetered store: these background reads are no client's storage requests.
    ObjectGauges objectGauges = ObjectGauges.start(raw,
        registry.definitions().stream().filter(d -> d.serves("create")).map(ResourceDefinition::type).toList(),
        metrics.registry(), options.metricsPerNamespace, options.metricsRefreshInterval);
    Revisor revisor = new Revisor(options, registry, access, kv, store, maintenance, objectGauges, vertx, server,
        serving.caFile(), shuttingDown);
    try {
      revisor.background = BackgroundTasks.start(options, serving, registry, server);
      if (options.writeKubeconfig != null) {
        revisor.writeKubeconfig(options.writeKubeconfig);
      }
    } catch (RuntimeException e) {
      revisor.close();
      throw e;
    }
    return revisor;
  }

  private static List<ResourceDefinition> definitions(ServerOptions options) {
    try {
      List<ResourceDefinition> definitions = new ArrayList<>(options.resourceDefinitions == null
          ? DefinitionLoader.bundledDemo()
          : DefinitionLoader.load(options.resourceDefinitions));
      definitions.addAll(DefinitionLoader.system());
      Endpoints.check(definitions);
      return List.copyOf(definitions);
    } catch (DefinitionException e) {
      throw new StartupException("invalid resource definition: " + e.getMessage(), e);
    }
  }

  private static KvStore openKv(ServerOptions options) {
    try {
      if (options.storageBackend.equals("etcd")) {
        EtcdKvStoreOptions.Builder builder = EtcdKvStoreOptions.builder().endpoints(options.etcdServers);
        if (options.etcdCaFile != null || options.etcdCertFile != null) {
          builder.tls(options.etcdCaFile, options.etcdCertFile, options.etcdKeyFile);
        }
        return EtcdKvStore.connect(builder.build());
      }
      Files.createDirectories(options.dataDir);
      return EmbeddedKvStore.open(EmbeddedKvStoreOptions.defaults(options.dataDir));
    } catch (IOException | RuntimeException e) {
      throw new StartupException("cannot open " + options.storageBackend + " storage: " + e.getMessage(), e);
    }
  }

  /** The port the server listens on. */
  public int port() {
    return server.port();
  }

  /** The CA that signed the serving certificate (PEM file), for clients to trust. */
  public Path caFile() {
    return caFile;
  }

  /** The served kinds. */
  public ResourceRegistry registry() {
    return registry;
  }

  /** The https URL of this server on the loopback interface. */
  public String url() {
    return "https://127.0.0.1:" + port();
  }

  /** Writes a kubeconfig for this server: its CA, and user {@code admin}'s token when the token file has one. */
  public void writeKubeconfig(Path path) {
    try {
      String token = options.tokenAuthFile == null ? null : TokenFileAuthenticator.tokenOf(options.tokenAuthFile, "admin");
      Kubeconfig.write(path, url(), Files.readAllBytes(caFile), token);
    } catch (IOException e) {
      throw new StartupException("cannot write kubeconfig " + path + ": " + e.getMessage(), e);
    }
  }

  /** Prints where the server listens and the next commands to try. */
  public void printWelcome(PrintStream out) {
    out.println("Revisor is serving " + registry.groups() + " at " + url() + " (storage: " + options.storageBackend + ")");
    if (options.writeKubeconfig != null) {
      Path kubeconfig = options.writeKubeconfig.toAbsolutePath();
      out.println();
      out.println("Try it:");
      out.println("  export KUBECONFIG=" + kubeconfig);
      out.println("  kubectl api-resources --api-group=demo.revisor.io");
      out.println("  kubectl apply -f examples/demo.yaml");
      out.println("  kubectl get dashboards -o wide");
      out.println("  kubectl explain dashboards.spec");
      out.println("  kubectl get dashboards -w");
    }
    out.flush();
  }

  /**
   * Stops as SIGTERM does: {@code /readyz} fails at once, requests are still served for {@code
   * --shutdown-delay-duration}, then everything closes.
   */
  public void shutdown() {
    shuttingDown.set(true);
    long delay = options.shutdownDelay.toMillis();
    if (delay > 0) {
      LOG.info("shutting down: not ready, serving for another {}", options.shutdownDelay);
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    close();
  }

  /** The readiness checks beyond storage: the authentication ConfigMap, and shutting down. */
  private static List<HealthCheck> readiness(AccessControl access, AtomicBoolean shuttingDown) {
    List<HealthCheck> checks = new ArrayList<>(access.readiness());
    checks.add(new HealthCheck("shutdown", () -> shuttingDown.get()
        ? Future.failedFuture("the server is shutting down") : Future.succeededFuture()));
    return checks;
  }

  /** Stops everything this server started, in reverse order; later calls do nothing. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    if (background != null) {
      background.close();
    }
    try {
      server.close();
    } catch (RuntimeException e) {
      LOG.warn("closing the server: {}", e.toString());
    }
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("closing Vert.x: {}", e.toString());
    }
    access.close();
    objectGauges.close();
    maintenance.close();
    store.close();
    kv.close();
  }

  /**
   * The serving certificate: from the flags, or generated into {@code --cert-dir}; read once here, so that what is
   * served first is exactly what the reloader compares later changes with.
   *
   * @param pair the certificate chain and key
   * @param certificateFile the chain file (watched for changes)
   * @param keyFile the key file (watched for changes)
   * @param caFile the CA clients trust: the generated {@code ca.crt}, or {@code --tls-cert-file}
   * @param generatedNames the extra names of the generated certificate (renewed with them), or null when mounted
   */
  record Serving(KeyCertPair pair, Path certificateFile, Path keyFile, Path caFile, List<String> generatedNames) {
    static Serving prepare(ServerOptions options) {
      if (options.tlsCertFile != null) {
        try {
          KeyCertPair pair = KeyCertPair.read(options.tlsCertFile, options.tlsPrivateKeyFile);
          return new Serving(pair, options.tlsCertFile, options.tlsPrivateKeyFile, options.tlsCertFile, null);
        } catch (IOException e) {
          throw new StartupException("--tls-cert-file/--tls-private-key-file: " + e.getMessage(), e);
        }
      }
      try {
        List<String> names = servingNames(options, new ClusterClients());
        ServingCertificates generated = SelfSignedCertificates.ensure(options.certDir, names, Clock.systemUTC());
        if (generated.certificateIssued()) {
          LOG.info("issued a serving certificate for {} in {}", generated.subjectAlternativeNames(), options.certDir);
        }
        KeyCertPair pair = KeyCertPair.read(generated.certificateFile(), generated.keyFile());
        return new Serving(pair, generated.certificateFile(), generated.keyFile(), generated.caCertificateFile(),
            List.copyOf(names));
      } catch (IOException | RuntimeException e) {
        throw new StartupException("cannot prepare serving certificates in " + options.certDir + ": " + e.getMessage(), e);
      }
    }

    /**
     * The extra names of a generated certificate: {@code --tls-sans} with Service names expanded to their four forms,
     * and in a pod the four names of {@code --service-name} in {@code --service-namespace}.
     */
    static List<String> servingNames(ServerOptions options, ClusterClients cluster) {
      List<String> names = new ArrayList<>(ServiceDnsNames.expand(options.tlsSans));
      if (ServiceLocation.inPod(cluster)) {
        ServiceLocation service = ServiceLocation.resolve(options.serviceName, options.serviceNamespace, cluster);
        for (String name : ServiceDnsNames.of(service.name(), service.namespace())) {
          if (!names.contains(name)) {
            names.add(name);
          }
        }
      }
      return names;
    }

    /** Whether the certificate is generated (and renewed) in {@code --cert-dir}. */
    boolean generated() {
      return generatedNames != null;
    }

    /** The pair as Vert.x options, from memory (the files may have changed since they were read). */
    PemKeyCertOptions keyCert() {
      return keyCert(pair);
    }

    static PemKeyCertOptions keyCert(KeyCertPair pair) {
      return new PemKeyCertOptions().setCertValue(Buffer.buffer(pair.certificatePem()))
          .setKeyValue(Buffer.buffer(pair.keyPem()));
    }
  }
}
