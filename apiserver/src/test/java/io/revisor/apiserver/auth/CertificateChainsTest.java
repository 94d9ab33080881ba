package io.revisor.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.revisor.apiserver.tls.Pem;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** Client certificate chains verified as Go's x509 with client-auth usage, and subjects read as Go reads them. */
class CertificateChainsTest {
  record Issued(X509Certificate certificate, KeyPair keys) {}

  static KeyPair keys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  static Issued issue(String subject, Issued issuer, boolean ca, KeyPurposeId... usages) throws Exception {
    KeyPair keys = keys();
    X500Name name = new X500Name(subject);
    Instant now = Instant.now();
    var builder = new JcaX509v3CertificateBuilder(issuer == null ? name : new X500Name(
        issuer.certificate().getSubjectX500Principal().getName()), BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (usages.length > 0) {
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usages));
    }
    var signer = new JcaContentSignerBuilder("SHA256withECDSA")
        .build(issuer == null ? keys.getPrivate() : issuer.keys().getPrivate());
    return new Issued(new JcaX509CertificateConverter().getCertificate(builder.build(signer)), keys);
  }

  static CaBundle bundle(Issued ca) {
    return CaBundle.parse("test", Pem.encode(List.of(ca.certificate())));
  }

  @Test
  void aClientCertificateFromTheCaIsTrusted() throws Exception {
    Issued ca = issue("CN=ca", null, true);
    Issued client = issue("O=devs,CN=jane", ca, false, KeyPurposeId.id_kp_clientAuth);
    var verification = CertificateChains.verify(List.of(client.certificate()), bundle(ca));
    assertThat(verification.trusted()).isTrue();
    assertThat(verification.validUntil()).isEqualTo(client.certificate().getNotAfter());
  }

  @Test
  void noUsageRestrictionIsAnyUsage() throws Exception {
    Issued ca = issue("CN=ca", null, true);
    assertThat(CertificateChains.verify(List.of(issue("CN=jane", ca, false).certificate()), bundle(ca)).trusted())
        .isTrue();
  }

  @Test
  void aServerOnlyCertificateIsRejected() throws Exception {
    Issued ca = issue("CN=ca", null, true);
    Issued server = issue("CN=web", ca, false, KeyPurposeId.id_kp_serverAuth);
    var verification = CertificateChains.verify(List.of(server.certificate()), bundle(ca));
    assertThat(verification.trusted()).isFalse();
    assertThat(verification.error()).contains("incompatible key usage");
  }

  @Test
  void anIntermediateRestrictedToServersCannotIssueClients() throws Exception {
    Issued ca = issue("CN=root", null, true);
    Issued good = issue("CN=clients", ca, true, KeyPurposeId.id_kp_clientAuth);
    Issued bad = issue("CN=servers", ca, true, KeyPurposeId.id_kp_serverAuth);
    Issued viaGood = issue("CN=a", good, false, KeyPurposeId.id_kp_clientAuth);
    Issued viaBad = issue("CN=b", bad, false, KeyPurposeId.id_kp_clientAuth);
    assertThat(CertificateChains.verify(List.of(viaGood.certificate(), good.certificate()), bundle(ca)).trusted())
        .isTrue();
    assertThat(CertificateChains.verify(List.of(viaBad.certificate(), bad.certificate()), bundle(ca)).trusted())
        .isFalse();
  }

  @Test
  void anotherCaIsRejected() throws Exception {
    Issued ca = issue("CN=ca", null, true);
    Issued other = issue("CN=other", null, true);
    Issued client = issue("CN=jane", other, false, KeyPurposeId.id_kp_clientAuth);
    assertThat(CertificateChains.verify(List.of(client.certificate()), bundle(ca)).error())
        .startsWith("x509: certificate signed by unknown authority");
  }

  @Test
  void subjectsAreReadAsGoReadsThem() throws Exception {
    Issued ca = issue("CN=ca", null, true);
    X509Certificate twoNames = issue("CN=first,O=a,CN=last", ca, false).certificate();
    assertThat(CertificateChains.commonName(twoNames)).as("the last CN").isEqualTo("last");
    X509Certificate multiValued = issue("C=US+CN=bob,O=x+O=y", ca, false).certificate();
    assertThat(CertificateChains.commonName(multiValued)).isEqualTo("bob");
    assertThat(CertificateChains.organizations(multiValued)).containsExactlyInAnyOrder("x", "y");
  }
}
