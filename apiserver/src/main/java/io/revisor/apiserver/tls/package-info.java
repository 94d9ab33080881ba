/**
 * Certificates with Bouncy Castle: self-signed serving certificates for {@code --cert-dir}
 * ({@link io.revisor.apiserver.tls.SelfSignedCertificates}), client certificates in Kubernetes' CN=user, O=group
 * convention ({@link io.revisor.apiserver.tls.ClientCertificates}), and PEM reading and writing
 * ({@link io.revisor.apiserver.tls.Pem}).
 *
 * <p>Nothing here opens a socket or knows Vert.x: the server layer passes the returned file paths to its TLS options
 * ({@code PemKeyCertOptions} reads the PKCS#8 keys written here). Keys and certificates are plain JDK objects; no
 * security provider is installed.
 */
package io.revisor.apiserver.tls;
