package io.revisor.apiserver.auth;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.revisor.apiserver.health.HealthCheck;
import io.revisor.apiserver.tls.CertificateFileWatcher;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client certificate settings in force, kept current: CA files named by flags are re-read when they change, and
 * whatever the flags leave open comes from the {@code kube-system/extension-apiserver-authentication} ConfigMap,
 * watched live. Flags win, as upstream: {@code --client-ca-file} replaces the ConfigMap's {@code client-ca-file}, and
 * {@code --requestheader-client-ca-file} replaces every {@code requestheader-*} key.
 *
 * <p>A change that does not parse is logged and ignored (the previous settings stay). If the ConfigMap is gone, its
 * settings are dropped. Until the ConfigMap has been read, {@link #readiness()} fails, unless lookup failures are
 * tolerated. Thread-safe: readers get immutable snapshots.
 */
public final class DynamicAuthenticationConfig implements Supplier<AuthenticationConfig>, AutoCloseable {
  public static final String NAMESPACE = "kube-system";
  public static final String NAME = "extension-apiserver-authentication";
  private static final Logger LOG = LoggerFactory.getLogger(DynamicAuthenticationConfig.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path clientCaFile;
  private final Path requestHeaderCaFile;
  private final RequestHeaderConfig requestHeaderFlags;
  private final boolean tolerateLookupFailure;

  private volatile AuthenticationConfig current = AuthenticationConfig.NONE;
  private CaBundle fileClientCa;
  private CaBundle fileRequestHeaderCa;
  private AuthenticationConfig fromConfigMap = AuthenticationConfig.NONE;
  private volatile String lookupProblem;
  private boolean loaded;
  private final List<CertificateFileWatcher> watchers = new ArrayList<>();
  private SharedIndexInformer<ConfigMap> informer;

  private DynamicAuthenticationConfig(Path clientCaFile, Path requestHeaderCaFile, RequestHeaderSettings headers,
      boolean tolerateLookupFailure) {
    this.clientCaFile = clientCaFile;
    this.requestHeaderCaFile = requestHeaderCaFile;
    this.tolerateLookupFailure = tolerateLookupFailure;
    this.fileClientCa = clientCaFile == null ? null : read("--client-ca-file", clientCaFile);
    this.fileRequestHeaderCa = requestHeaderCaFile == null ? null : read("--requestheader-client-ca-file", requestHeaderCaFile);
    this.requestHeaderFlags = fileRequestHeaderCa == null ? null : headers.with(fileRequestHeaderCa);
    recompute();
  }

  /** The {@code --requestheader-*} settings other than the CA. */
  public record RequestHeaderSettings(List<String> allowedNames, List<String> usernameHeaders, List<String> uidHeaders,
      List<String> groupHeaders, List<String> extraHeaderPrefixes) {
    RequestHeaderConfig with(CaBundle ca) {
      return new RequestHeaderConfig(ca, allowedNames, usernameHeaders, uidHeaders, groupHeaders, extraHeaderPrefixes);
    }
  }

  /**
   * Settings from flags only; call {@link #start} to watch the files (and the ConfigMap).
   *
   * @throws IllegalArgumentException when a file is unreadable or not a PEM bundle
   */
  public static DynamicAuthenticationConfig fromFlags(Path clientCaFile, Path requestHeaderCaFile,
      RequestHeaderSettings headers, boolean tolerateLookupFailure) {
    return new DynamicAuthenticationConfig(clientCaFile, requestHeaderCaFile, headers, tolerateLookupFailure);
  }

  /** Whether the flags leave something for the ConfigMap to provide. */
  public boolean needsLookup() {
    return clientCaFile == null || requestHeaderCaFile == null;
  }

  /**
   * Starts watching: the flag files every {@code pollInterval} on {@code scheduler}, and the ConfigMap through
   * {@code cluster} (null: no lookup).
   */
  public synchronized void start(ScheduledExecutorService scheduler, Duration pollInterval, KubernetesClient cluster) {
    if (clientCaFile != null) {
      watchers.add(CertificateFileWatcher.start(List.of(clientCaFile), List.of(bytes(fileClientCa)), pollInterval,
          scheduler, contents -> clientCaChanged(contents.get(0))));
    }
    if (requestHeaderCaFile != null) {
      watchers.add(CertificateFileWatcher.start(List.of(requestHeaderCaFile), List.of(bytes(fileRequestHeaderCa)),
          pollInterval, scheduler, contents -> requestHeaderCaChanged(contents.get(0))));
    }
    if (cluster != null && needsLookup()) {
      lookupProblem = "the ConfigMap " + NAMESPACE + "/" + NAME + " has not been read yet";
      informer = cluster.configMaps().inNamespace(NAMESPACE).withName(NAME).runnableInformer(60_000);
      informer.exceptionHandler((started, failure) -> {
        String problem = "cannot read the ConfigMap " + NAMESPACE + "/" + NAME + ": " + failure.getMessage();
        synchronized (this) {
          if (!loaded) {
            lookupProblem = problem; // readiness waits for the first read only: later blips keep the last settings
          }
        }
        LOG.warn("{}; retrying", problem);
        return true;
      });
      informer.addEventHandler(new ResourceEventHandler<>() {
        @Override
        public void onAdd(ConfigMap configMap) {
          apply(configMap);
        }

        @Override
        public void onUpdate(ConfigMap old, ConfigMap configMap) {
          apply(configMap);
        }

        @Override
        public void onDelete(ConfigMap configMap, boolean finalStateUnknown) {
          gone(false);
        }
      });
      informer.start().whenComplete((ok, failure) -> {
        if (failure == null && informer.getStore().list().isEmpty()) {
          gone(true);
        }
      });
    }
  }

  @Override
  public AuthenticationConfig get() {
    return current;
  }

  /** Every CA certificate a client certificate may chain to now: advertised in the TLS handshake. */
  public X509Certificate[] acceptedIssuers() {
    AuthenticationConfig config = current;
    List<X509Certificate> issuers = new ArrayList<>();
    if (config.clientCa() != null) {
      issuers.addAll(config.clientCa().certificates());
    }
    if (config.requestHeader() != null) {
      issuers.addAll(config.requestHeader().ca().certificates());
    }
    return issuers.toArray(X509Certificate[]::new);
  }

  /** The readyz check: fails while the ConfigMap that is needed has not been read (unless tolerated). */
  public HealthCheck readiness() {
    return new HealthCheck("extension-apiserver-authentication", () -> {
      String problem = lookupProblem;
      return problem == null || tolerateLookupFailure ? Future.succeededFuture() : Future.failedFuture(problem);
    });
  }

  private synchronized void clientCaChanged(byte[] content) {
    CaBundle bundle = parseChanged("--client-ca-file", clientCaFile, content);
    if (bundle != null) {
      fileClientCa = bundle;
      LOG.info("reloaded the client CA from {}", clientCaFile);
      recompute();
    }
  }

  private synchronized void requestHeaderCaChanged(byte[] content) {
    CaBundle bundle = parseChanged("--requestheader-client-ca-file", requestHeaderCaFile, content);
    if (bundle != null) {
      fileRequestHeaderCa = bundle;
      LOG.info("reloaded the front-proxy CA from {}", requestHeaderCaFile);
      recompute();
    }
  }

  /** The bundle in a changed file, or null (logged) when it does not parse: the previous bundle stays. */
  private static CaBundle parseChanged(String flag, Path file, byte[] content) {
    try {
      return CaBundle.parse(flag + " " + file, new String(content, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      LOG.warn("{} changed but is not usable, keeping the previous bundle: {}", flag, e.getMessage());
      return null;
    }
  }

  private static CaBundle read(String flag, Path file) {
    try {
      return CaBundle.parse(flag + " " + file, Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException(flag + " " + file + " is not readable: " + e.getMessage(), e);
    }
  }

  /**
   * Takes the ConfigMap's settings, each part on its own: a part that is missing or does not parse keeps its last
   * good value (as upstream's controllers do), so that a bad edit cannot lock the front proxy out. Unchanged content
   * keeps the same bundle objects, so connections are not verified again at every resync.
   */
  private synchronized void apply(ConfigMap configMap) {
    Map<String, String> data = configMap.getData() == null ? Map.of() : configMap.getData();
    String source = "configmap " + NAMESPACE + "/" + NAME + " ";
    CaBundle clientCa = fromConfigMap.clientCa();
    RequestHeaderConfig requestHeader = fromConfigMap.requestHeader();
    try {
      if (!blank(data.get("client-ca-file"))) {
        CaBundle parsed = CaBundle.parse(source + "client-ca-file", data.get("client-ca-file"));
        clientCa = parsed.sameContent(clientCa) ? clientCa : parsed;
      }
    } catch (IllegalArgumentException e) {
      LOG.warn("{}client-ca-file is not usable, keeping the previous one: {}", source, e.getMessage());
    }
    try {
      if (!blank(data.get("requestheader-client-ca-file"))) {
        CaBundle parsed = CaBundle.parse(source + "requestheader-client-ca-file", data.get("requestheader-client-ca-file"));
        RequestHeaderConfig read = new RequestHeaderConfig(
            requestHeader != null && parsed.sameContent(requestHeader.ca()) ? requestHeader.ca() : parsed,
            list(data, "requestheader-allowed-names"),
            list(data, "requestheader-username-headers"),
            list(data, "requestheader-uid-headers"),
            list(data, "requestheader-group-headers"),
            list(data, "requestheader-extra-headers-prefix"));
        requestHeader = read.equals(requestHeader) ? requestHeader : read;
      }
    } catch (IllegalArgumentException e) {
      LOG.warn("{}requestheader settings are not usable, keeping the previous ones: {}", source, e.getMessage());
    }
    boolean first = !loaded;
    loaded = true;
    boolean changed = clientCa != fromConfigMap.clientCa() || requestHeader != fromConfigMap.requestHeader();
    lookupProblem = null;
    if (changed || first) {
      fromConfigMap = new AuthenticationConfig(clientCa, requestHeader);
      LOG.info("loaded {}: client CA {}, front proxy {}", source.strip(), clientCa != null ? "set" : "absent",
          requestHeader != null ? "set" : "absent");
      recompute();
    }
  }

  /** The ConfigMap is gone: the last settings stay in force (as upstream); not ready if it was never read. */
  private synchronized void gone(boolean neverRead) {
    if (neverRead) {
      lookupProblem = "the ConfigMap " + NAMESPACE + "/" + NAME + " does not exist";
      LOG.warn("{}: front-proxy and client certificate users from it are not accepted until it does", lookupProblem);
    } else {
      LOG.warn("the ConfigMap {}/{} was deleted; its last settings stay in force", NAMESPACE, NAME);
    }
  }

  private void recompute() {
    current = new AuthenticationConfig(
        fileClientCa != null ? fileClientCa : fromConfigMap.clientCa(),
        requestHeaderFlags != null ? requestHeaderFlags.withCa(fileRequestHeaderCa) : fromConfigMap.requestHeader());
  }

  private static byte[] bytes(CaBundle bundle) {
    return bundle.pem().getBytes(StandardCharsets.UTF_8);
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static List<String> list(Map<String, String> data, String key) {
    String value = data.get(key);
    if (blank(value)) {
      return List.of();
    }
    try {
      return JSON.readValue(value, new TypeReference<List<String>>() {});
    } catch (IOException e) {
      throw new IllegalArgumentException(key + " is not a JSON array of strings: " + value, e);
    }
  }

  @Override
  public synchronized void close() {
    watchers.forEach(CertificateFileWatcher::close);
    if (informer != null) {
      informer.close();
    }
  }
}
