/**
 * Certificates with Bouncy Castle: self-signed serving certificates for {@code --cert-dir}
 * ({@link io.revisor.apiserver.tls.SelfSignedCertificates}, renewed while running by
 * {@link io.revisor.apiserver.tls.SelfSignedRenewal}, named for Services by
 * {@link io.revisor.apiserver.tls.ServiceDnsNames}), client certificates in Kubernetes' CN=user, O=group convention
 * ({@link io.revisor.apiserver.tls.ClientCertificates}), PEM reading and writing ({@link io.revisor.apiserver.tls.Pem}),
 * and keeping up with certificate files that change under a running server
 * ({@link io.revisor.apiserver.tls.CertificateFileWatcher}, {@link io.revisor.apiserver.tls.ServingCertificateReloader}).
 *
 * <p>Nothing here opens a socket or knows Vert.x: the server layer turns a checked
 * {@link io.revisor.apiserver.tls.KeyCertPair} into its TLS options ({@code PemKeyCertOptions} reads the PKCS#8 keys
 * written here). Keys and certificates are plain JDK objects; no security provider is installed.
 */
package io.revisor.apiserver.tls;
