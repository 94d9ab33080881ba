package io.revisor.apiserver.auth;

import io.vertx.core.http.HttpServerRequest;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Verifying a request's TLS client certificate against a CA bundle, as Go's {@code x509.Verify} with {@code
 * ExtKeyUsageClientAuth} does for kube's authenticators. The TLS layer accepts any client certificate (it only proves
 * that the client holds the key); trust is decided here, per bundle, so that bundles can change at run time.
 *
 * <p>The outcome is remembered on the TLS session for each bundle, so a long-lived connection (the aggregator keeps
 * HTTP/2 connections open) pays for one verification, not one per request.
 */
final class CertificateChains {
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_USAGE = "2.5.29.37.0";
  private static final String SESSION_KEY = CertificateChains.class.getName();

  private CertificateChains() {}

  /**
   * The outcome of verifying one chain against one bundle: the leaf, or why it is not trusted; a trusted chain is
   * trusted until the first of its certificates (anchor included) expires.
   */
  record Verification(X509Certificate leaf, String error, java.util.Date validUntil) {
    Verification(X509Certificate leaf, String error) {
      this(leaf, error, null);
    }

    boolean trusted() {
      return error == null;
    }
  }

  /** The client's certificates (leaf first), or an empty list when it sent none. */
  static List<X509Certificate> peerChain(HttpServerRequest request) {
    if (!request.isSSL()) {
      return List.of();
    }
    SSLSession session = request.sslSession();
    if (session == null) {
      return List.of();
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      List<X509Certificate> certificates = new ArrayList<>();
      for (Certificate certificate : chain == null ? new Certificate[0] : chain) {
        if (certificate instanceof X509Certificate x509) {
          certificates.add(x509);
        }
      }
      return certificates;
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
  }

  /** Verifies the request's client certificate against {@code bundle}; null when there is no client certificate. */
  static Verification verify(HttpServerRequest request, CaBundle bundle) {
    List<X509Certificate> chain = peerChain(request);
    if (chain.isEmpty()) {
      return null;
    }
    SSLSession session = request.sslSession();
    Map<CaBundle, Verification> remembered;
    synchronized (session) {
      @SuppressWarnings("unchecked")
      Map<CaBundle, Verification> existing = (Map<CaBundle, Verification>) session.getValue(SESSION_KEY);
      remembered = existing;
      if (remembered == null) {
        // By identity: bundles are immutable snapshots, replaced (never mutated) when their source changes.
        remembered = Collections.synchronizedMap(new IdentityHashMap<>());
        session.putValue(SESSION_KEY, remembered);
      }
    }
    Verification verification = remembered.get(bundle);
    if (verification == null || !stillValid(verification)) {
      verification = verify(chain, bundle);
      if (remembered.size() > 8) {
        remembered.clear(); // the bundle changed many times during this session: keep only recent ones
      }
      remembered.put(bundle, verification);
    }
    return verification;
  }

  private static boolean stillValid(Verification verification) {
    // A failure stays a failure for the same bundle; a success until the chain's first expiry.
    return !verification.trusted() || new java.util.Date().before(verification.validUntil());
  }

  /** Verifies {@code chain} (leaf first, then any intermediates, in any order) against {@code bundle}. */
  static Verification verify(List<X509Certificate> chain, CaBundle bundle) {
    X509Certificate leaf = chain.get(0);
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(leaf);
      PKIXBuilderParameters parameters = new PKIXBuilderParameters(bundle.trustAnchors(), target);
      parameters.setRevocationEnabled(false);
      parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(chain)));
      var result = (java.security.cert.PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(parameters);
      java.util.Date validUntil = leaf.getNotAfter();
      for (Certificate certificate : result.getCertPath().getCertificates()) {
        X509Certificate x509 = (X509Certificate) certificate;
        // As Go: every certificate of the chain that restricts its usages must allow client authentication.
        List<String> usages = x509.getExtendedKeyUsage();
        if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_USAGE)) {
          return new Verification(leaf, "x509: certificate specifies an incompatible key usage");
        }
        validUntil = x509.getNotAfter().before(validUntil) ? x509.getNotAfter() : validUntil;
      }
      X509Certificate anchor = result.getTrustAnchor().getTrustedCert();
      if (anchor != null && anchor.getNotAfter().before(validUntil)) {
        validUntil = anchor.getNotAfter();
      }
      return new Verification(leaf, null, validUntil);
    } catch (CertificateParsingException e) {
      return new Verification(leaf, "x509: unreadable extended key usage");
    } catch (GeneralSecurityException e) {
      return new Verification(leaf, "x509: certificate signed by unknown authority or not valid now ("
          + leaf.getSubjectX500Principal().getName() + ")");
    }
  }

  /** The subject's common name, or empty; with several, the last, as Go's {@code pkix.Name} keeps it. */
  static String commonName(X509Certificate certificate) {
    List<String> names = rdns(certificate, "CN");
    return names.isEmpty() ? "" : names.get(names.size() - 1);
  }

  /** The subject's organizations (kube's groups), in order. */
  static List<String> organizations(X509Certificate certificate) {
    return rdns(certificate, "O");
  }

  private static List<String> rdns(X509Certificate certificate, String type) {
    List<String> values = new ArrayList<>();
    try {
      List<javax.naming.ldap.Rdn> rdns =
          new javax.naming.ldap.LdapName(certificate.getSubjectX500Principal().getName()).getRdns();
      // LdapName's index 0 is the first RDN as encoded (the rightmost in the RFC 2253 string): encoded order, as Go.
      for (int i = 0; i < rdns.size(); i++) {
        // Every attribute of a multi-valued RDN (C=US+CN=bob), not only the first.
        javax.naming.NamingEnumeration<? extends javax.naming.directory.Attribute> attributes =
            rdns.get(i).toAttributes().getAll();
        while (attributes.hasMore()) {
          javax.naming.directory.Attribute attribute = attributes.next();
          if (attribute.getID().equalsIgnoreCase(type)) {
            javax.naming.NamingEnumeration<?> each = attribute.getAll();
            while (each.hasMore()) {
              values.add(String.valueOf(each.next()));
            }
          }
        }
      }
    } catch (javax.naming.NamingException e) {
      return List.of();
    }
    return values;
  }
}
