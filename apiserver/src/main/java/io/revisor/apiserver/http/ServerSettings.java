package io.revisor.apiserver.http;

import io.revisor.apiserver.auth.AuthenticationConfig;
import io.revisor.apiserver.auth.Authenticator;
import io.revisor.apiserver.auth.Authorizer;
import io.revisor.apiserver.crd.ResourceRegistry;
import io.revisor.apiserver.health.HealthCheck;
import io.revisor.apiserver.metrics.ApiMetrics;
import io.revisor.storage.resource.ResourceStore;
import io.vertx.core.net.KeyCertOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.TrustManager;

/**
 * Everything {@link ApiServer} needs, assembled by the main class (or a test).
 *
 * @param registry the served kinds
 * @param store the resource store (already metered if wanted)
 * @param metrics the metrics registry
 * @param keyCert the serving certificate and key
 * @param clientTrust asks TLS clients for a certificate and advertises the CAs (verification is the authenticators'
 *     job); null to not ask for client certificates
 * @param authenticators the authentication chain, in order
 * @param anonymous whether requests without credentials are anonymous (else 401)
 * @param authenticationConfig the certificate settings of the moment (which front-proxy headers to strip)
 * @param authorizer decides every request after authentication
 * @param readinessChecks extra readyz checks (storage reachability is added by the server)
 * @param bindAddress listen address
 * @param port listen port (0 = any free port)
 * @param http2MaxStreams concurrent streams per HTTP/2 connection
 * @param maxBodyBytes request body limit (413 beyond)
 * @param requestTimeout deadline of non-watch requests (504 beyond)
 * @param bookmarkInterval watch bookmark period
 * @param tableCacheBytes how much memory the Table rows kept for reuse may take, about, in bytes; 0 keeps none
 * @param clock timestamps and deadlines
 * @param views the views serving Revisor's own kinds, by definition name ({@code <plural>.<group>})
 */
public record ServerSettings(
    ResourceRegistry registry,
    ResourceStore store,
    ApiMetrics metrics,
    KeyCertOptions keyCert,
    TrustManager clientTrust,
    List<Authenticator> authenticators,
    boolean anonymous,
    Supplier<AuthenticationConfig> authenticationConfig,
    Authorizer authorizer,
    List<HealthCheck> readinessChecks,
    String bindAddress,
    int port,
    int http2MaxStreams,
    long maxBodyBytes,
    Duration requestTimeout,
    Duration bookmarkInterval,
    long tableCacheBytes,
    Clock clock,
    java.util.Map<String, KindView> views) {
  public ServerSettings {
    views = java.util.Map.copyOf(views);
  }
}
