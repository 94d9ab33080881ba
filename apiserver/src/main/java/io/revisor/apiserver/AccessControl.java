package io.revisor.apiserver;

import com.github.benmanes.caffeine.cache.Ticker;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.revisor.apiserver.auth.Authenticator;
import io.revisor.apiserver.auth.Authorizer;
import io.revisor.apiserver.auth.Authorizers;
import io.revisor.apiserver.auth.ClientCertificateAuthenticator;
import io.revisor.apiserver.auth.DynamicAuthenticationConfig;
import io.revisor.apiserver.auth.RequestHeaderAuthenticator;
import io.revisor.apiserver.auth.SubjectAccessReviewAuthorizer;
import io.revisor.apiserver.auth.TokenFileAuthenticator;
import io.revisor.apiserver.auth.TokenReviewAuthenticator;
import io.revisor.apiserver.auth.UserInfo;
import io.revisor.apiserver.cluster.ClusterClients;
import io.revisor.apiserver.cluster.ReviewClient;
import io.revisor.apiserver.config.ServerOptions;
import io.revisor.apiserver.health.HealthCheck;
import io.revisor.apiserver.tls.ClientCertificateTrust;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may do what: the authentication chain and the authorizer, assembled from the command line in this one place.
 *
 * <p>Authentication, first success wins: the front proxy (requestheader CA), client certificates (client CA),
 * the static token file, then TokenReview when a cluster is configured; anonymous only without credentials.
 * Authorization, first decision wins: the always-allowed paths, the group {@code system:masters}, then each
 * {@code --authorization-mode} in order; nobody deciding is a 403.
 *
 * <p>A cluster is configured by {@code --authentication-kubeconfig}/{@code --authorization-kubeconfig}, {@code
 * --kubeconfig}, or by running in a pod. With one, bearer tokens are reviewed there and the client certificate
 * settings the flags leave open come from its {@code extension-apiserver-authentication} ConfigMap.
 */
final class AccessControl implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);
  /** How often CA files named by flags are checked for changes. */
  static final Duration FILE_POLL_INTERVAL = Duration.ofSeconds(1);

  final DynamicAuthenticationConfig certificates;
  final List<Authenticator> authenticators;
  final Authorizer authorizer;
  private final KubernetesClient authenticationCluster;
  private final KubernetesClient authorizationCluster;
  private final boolean lookup;
  /** Polls the CA files named by flags. */
  private final ScheduledExecutorService files = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "revisor-ca-files");
    thread.setDaemon(true);
    return thread;
  });

  private AccessControl(DynamicAuthenticationConfig certificates, List<Authenticator> authenticators,
      Authorizer authorizer, KubernetesClient authenticationCluster, KubernetesClient authorizationCluster,
      boolean lookup) {
    this.certificates = certificates;
    this.authenticators = List.copyOf(authenticators);
    this.authorizer = authorizer;
    this.authenticationCluster = authenticationCluster;
    this.authorizationCluster = authorizationCluster;
    this.lookup = lookup;
  }

  /**
   * Builds the chain from validated options.
   *
   * @throws StartupException when a file is unusable or a delegated mode has no cluster to delegate to
   */
  static AccessControl assemble(ServerOptions options, ClusterClients clusters) {
    DynamicAuthenticationConfig certificates;
    try {
      certificates = DynamicAuthenticationConfig.fromFlags(options.clientCaFile, options.requestheaderClientCaFile,
          new DynamicAuthenticationConfig.RequestHeaderSettings(options.requestheaderAllowedNames,
              options.requestheaderUsernameHeaders, options.requestheaderUidHeaders, options.requestheaderGroupHeaders,
              options.requestheaderExtraHeadersPrefix),
          options.authenticationTolerateLookupFailure);
    } catch (IllegalArgumentException e) {
      throw new StartupException(e.getMessage(), e);
    }
    KubernetesClient authenticationCluster = connect(clusters, options.delegationTimeout,
        options.authenticationKubeconfig, options.kubeconfig).orElse(null);
    try {
      return assemble(options, clusters, certificates, authenticationCluster);
    } catch (RuntimeException e) {
      if (authenticationCluster != null) {
        authenticationCluster.close();
      }
      throw e;
    }
  }

  private static AccessControl assemble(ServerOptions options, ClusterClients clusters,
      DynamicAuthenticationConfig certificates, KubernetesClient authenticationCluster) {
    boolean lookup = authenticationCluster != null && !options.authenticationSkipLookup && certificates.needsLookup();

    List<Authenticator> authenticators = new ArrayList<>();
    authenticators.add(new RequestHeaderAuthenticator(certificates));
    authenticators.add(new ClientCertificateAuthenticator(certificates));
    if (options.tokenAuthFile != null) {
      try {
        authenticators.add(TokenFileAuthenticator.load(options.tokenAuthFile));
      } catch (IOException | IllegalArgumentException e) {
        throw new StartupException("--token-auth-file: " + e.getMessage(), e);
      }
    }
    if (authenticationCluster != null) {
      authenticators.add(new TokenReviewAuthenticator(
          new ReviewClient(authenticationCluster, options.delegationTimeout, options.delegationAttempts),
          options.apiAudiences, options.tokenCacheTtl, options.tokenCacheFailureTtl, Ticker.systemTicker()));
    }

    List<Authorizer> authorizers = new ArrayList<>();
    authorizers.add(Authorizers.alwaysAllowPaths(options.alwaysAllowPaths));
    authorizers.add(Authorizers.privilegedGroups(Set.of(UserInfo.MASTERS)));
    KubernetesClient authorizationCluster = null;
    try {
      for (String mode : options.authorizationMode) {
        switch (mode) {
          case "AlwaysAllow" -> authorizers.add(Authorizers.alwaysAllow());
          case "ABAC" -> authorizers.add(abac(options.authorizationPolicyFile));
          case "Delegated" -> {
            authorizationCluster = sameOrConnect(clusters, options, authenticationCluster);
            authorizers.add(new SubjectAccessReviewAuthorizer(
                new ReviewClient(authorizationCluster, options.delegationTimeout, options.delegationAttempts),
                options.authorizedCacheTtl, options.unauthorizedCacheTtl, Ticker.systemTicker()));
          }
          default -> throw new StartupException("--authorization-mode: unknown mode " + mode);
        }
      }
    } catch (RuntimeException e) {
      if (authorizationCluster != null && authorizationCluster != authenticationCluster) {
        authorizationCluster.close();
      }
      throw e;
    }
    return new AccessControl(certificates, authenticators, Authorizers.union(authorizers), authenticationCluster,
        authorizationCluster, lookup);
  }

  private static Authorizer abac(Path policy) {
    try {
      return io.revisor.apiserver.auth.AbacAuthorizer.load(policy);
    } catch (IOException | IllegalArgumentException e) {
      throw new StartupException("--authorization-policy-file: " + e.getMessage(), e);
    }
  }

  /** The authorization cluster: the authentication one when both come from the same place. */
  private static KubernetesClient sameOrConnect(ClusterClients clusters, ServerOptions options,
      KubernetesClient authenticationCluster) {
    Path authorization = options.authorizationKubeconfig != null ? options.authorizationKubeconfig : options.kubeconfig;
    Path authentication = options.authenticationKubeconfig != null ? options.authenticationKubeconfig : options.kubeconfig;
    if (authenticationCluster != null && Objects.equals(authorization, authentication)) {
      return authenticationCluster;
    }
    return connect(clusters, options.delegationTimeout, options.authorizationKubeconfig, options.kubeconfig)
        .orElseThrow(() -> new StartupException("--authorization-mode=Delegated needs a cluster: "
            + "--authorization-kubeconfig, --kubeconfig, or running in a pod with a service account"));
  }

  private static Optional<KubernetesClient> connect(ClusterClients clusters, Duration timeout, Path... kubeconfigs) {
    try {
      return clusters.connect(timeout, kubeconfigs);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      throw new StartupException(e.getMessage(), e);
    }
  }

  /** Whether TLS should ask clients for certificates (some CA is or may become configured). */
  boolean requestsClientCertificates() {
    return lookup || certificates.get().clientCa() != null || certificates.get().requestHeader() != null;
  }

  /** The TLS trust manager that asks for client certificates, or null when none can be trusted. */
  TrustManager clientTrust() {
    return requestsClientCertificates() ? new ClientCertificateTrust(certificates::acceptedIssuers) : null;
  }

  /** Readiness checks: the authentication ConfigMap, when it is needed. */
  List<HealthCheck> readiness() {
    return lookup ? List.of(certificates.readiness()) : List.of();
  }

  /** Starts watching CA files and the ConfigMap. */
  void start() {
    certificates.start(files, FILE_POLL_INTERVAL, lookup ? authenticationCluster : null);
    if (authenticationCluster != null) {
      LOG.info("authentication delegated to {} (TokenReview{})", authenticationCluster.getMasterUrl(),
          lookup ? ", ConfigMap " + DynamicAuthenticationConfig.NAMESPACE + "/" + DynamicAuthenticationConfig.NAME : "");
    }
  }

  @Override
  public void close() {
    certificates.close();
    files.shutdownNow();
    if (authorizationCluster != null && authorizationCluster != authenticationCluster) {
      authorizationCluster.close();
    }
    if (authenticationCluster != null) {
      authenticationCluster.close();
    }
  }
}
