package io.revisor.apiserver.auth;

import io.revisor.apiserver.tls.Pem;
import java.io.IOException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A CA bundle that client certificates are verified against, with where it came from (for logs and errors).
 * Immutable; two bundles are the same when their PEM text is.
 *
 * @param source e.g. {@code --client-ca-file /etc/ca.crt} or {@code configmap kube-system/... client-ca-file}
 * @param pem the bundle as given
 * @param certificates the CA certificates in it (at least one)
 */
public record CaBundle(String source, String pem, List<X509Certificate> certificates) {
  public CaBundle {
    certificates = List.copyOf(certificates);
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(source + ": no certificate in the CA bundle");
    }
  }

  /** Parses a PEM bundle. */
  public static CaBundle parse(String source, String pem) {
    try {
      return new CaBundle(source, pem, Pem.readCertificates(pem));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(source + ": not a PEM CA bundle: " + e.getMessage(), e);
    }
  }

  /** The certificates as PKIX trust anchors. */
  public Set<TrustAnchor> trustAnchors() {
    Set<TrustAnchor> anchors = new HashSet<>();
    for (X509Certificate certificate : certificates) {
      anchors.add(new TrustAnchor(certificate, null));
    }
    return anchors;
  }

  /** Whether both bundles hold the same PEM text (the source is not compared). */
  public boolean sameContent(CaBundle other) {
    return other != null && Arrays.equals(pem.getBytes(), other.pem.getBytes());
  }
}
