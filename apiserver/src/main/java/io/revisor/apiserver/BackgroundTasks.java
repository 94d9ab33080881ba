package io.revisor.apiserver;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.revisor.apiserver.cluster.ApiServiceRegistrar;
import io.revisor.apiserver.cluster.ApiServiceRegistration;
import io.revisor.apiserver.cluster.ClusterClients;
import io.revisor.apiserver.cluster.ServiceLocation;
import io.revisor.apiserver.config.ServerOptions;
import io.revisor.apiserver.crd.ResourceRegistry;
import io.revisor.apiserver.http.ApiServer;
import io.revisor.apiserver.tls.CertificateFileWatcher;
import io.revisor.apiserver.tls.Pem;
import io.revisor.apiserver.tls.SelfSignedRenewal;
import io.revisor.apiserver.tls.ServingCertificateReloader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs beside request handling: reloading the serving certificate when its files change, renewing generated
 * certificates, and registering the APIServices. Started once the server listens, closed before it stops, each task
 * on a daemon thread of its own kind ({@code revisor-certificates}, {@code revisor-apiservices}).
 */
final class BackgroundTasks implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundTasks.class);
  /** How often certificate and CA files are polled. */
  static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
  /** How often generated certificates are checked for renewal. */
  static final Duration RENEWAL_INTERVAL = Duration.ofDays(1);
  /** How long after a failed registration it is tried again. */
  static final Duration REGISTRATION_RETRY = Duration.ofSeconds(30);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  // Closed in reverse order of starting.
  private final List<AutoCloseable> started = new ArrayList<>();

  private BackgroundTasks() {}

  /**
   * Checks, before anything starts, what {@link #start} would refuse: with {@code --register-apiservices}, a cluster
   * and a readable CA bundle.
   *
   * @throws StartupException naming the flag to fix
   */
  static void check(ServerOptions options, Revisor.Serving serving, ClusterClients cluster) {
    if (!options.registerApiServices) {
      return;
    }
    if (options.kubeconfig == null && !cluster.inCluster()) {
      throw new StartupException("--register-apiservices needs a cluster: give --kubeconfig, or run in a pod with a "
          + "service account");
    }
    caBundle(apiServiceCaFile(options, serving));
  }

  /** Starts the tasks the options ask for. */
  static BackgroundTasks start(ServerOptions options, Revisor.Serving serving, ResourceRegistry registry,
      ApiServer server) {
    BackgroundTasks tasks = new BackgroundTasks();
    try {
      ScheduledExecutorService certificates = tasks.executor("revisor-certificates");
      tasks.started.add(ServingCertificateReloader.start(serving.certificateFile(), serving.keyFile(), serving.pair(),
          POLL_INTERVAL, certificates,
          pair -> server.updateKeyCert(Revisor.Serving.keyCert(pair)).toCompletionStage()));
      if (serving.generated()) {
        tasks.started.add(SelfSignedRenewal.start(options.certDir, serving.generatedNames(), Clock.systemUTC(),
            RENEWAL_INTERVAL, certificates));
      }
      if (options.registerApiServices) {
        tasks.registerApiServices(options, serving, registry, certificates);
      }
      return tasks;
    } catch (RuntimeException e) {
      tasks.close();
      throw e;
    }
  }

  private void registerApiServices(ServerOptions options, Revisor.Serving serving, ResourceRegistry registry,
      ScheduledExecutorService watching) {
    Path caFile = apiServiceCaFile(options, serving);
    byte[] bundle = caBundle(caFile);
    ClusterClients cluster = new ClusterClients();
    ScheduledExecutorService attempts = executor("revisor-apiservices");
    KubernetesClient client;
    try {
      client = cluster.connect(options.delegationTimeout, options.kubeconfig).orElseThrow(() -> new StartupException(
          "--register-apiservices needs a cluster: give --kubeconfig, or run in a pod with a service account"));
    } catch (UncheckedIOException | KubernetesClientException e) {
      throw new StartupException("--register-apiservices: cannot configure the cluster client: " + e.getMessage(), e);
    }
    // Closed before the attempts' thread is awaited, so that an attempt under way ends at once.
    started.add(client::close);
    ServiceLocation service = ServiceLocation.resolve(options.serviceName, options.serviceNamespace, cluster);
    ApiServiceRegistration registration = ApiServiceRegistration.start(
        new ApiServiceRegistrar(client, registry, service), bundle, REGISTRATION_RETRY, attempts);
    started.add(registration);
    started.add(CertificateFileWatcher.start(List.of(caFile), List.of(bundle), POLL_INTERVAL, watching, contents -> {
      byte[] next = contents.get(0);
      try {
        Pem.readCertificates(new String(next, StandardCharsets.US_ASCII));
      } catch (IOException e) {
        LOG.warn("{} changed but holds no usable certificate ({}); the APIServices keep the previous caBundle; "
            + "trying again when it changes", caFile, e.getMessage());
        return;
      }
      LOG.info("{} changed; registering the APIServices with the new caBundle", caFile);
      registration.caBundleChanged(next);
    }));
  }

  /**
   * The CA bundle for the APIServices: {@code --apiservice-ca-file}, else the generated {@code ca.crt}, else
   * {@code ca.crt} beside {@code --tls-cert-file} (the layout of a cert-manager Secret).
   */
  static Path apiServiceCaFile(ServerOptions options, Revisor.Serving serving) {
    if (options.apiServiceCaFile != null) {
      if (!Files.isReadable(options.apiServiceCaFile)) {
        throw new StartupException("--apiservice-ca-file " + options.apiServiceCaFile + " is not readable");
      }
      return options.apiServiceCaFile;
    }
    if (serving.generated()) {
      return serving.caFile();
    }
    Path beside = serving.certificateFile().resolveSibling("ca.crt");
    if (!Files.isReadable(beside)) {
      throw new StartupException("--register-apiservices needs --apiservice-ca-file: there is no readable " + beside
          + " beside --tls-cert-file");
    }
    return beside;
  }

  private static byte[] caBundle(Path caFile) {
    try {
      byte[] bundle = Files.readAllBytes(caFile);
      Pem.readCertificates(new String(bundle, StandardCharsets.US_ASCII));
      return bundle;
    } catch (IOException e) {
      throw new StartupException("APIService CA bundle " + caFile + ": " + e.getMessage(), e);
    }
  }

  private ScheduledExecutorService executor(String name) {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    });
    started.add(() -> {
      executor.shutdownNow();
      if (!executor.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("{} did not stop within {} s", name, CLOSE_TIMEOUT.toSeconds());
      }
    });
    return executor;
  }

  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.warn("stopping a background task: {}", e.toString());
      }
    }
    started.clear();
  }
}
