package io.revisor.apiserver.tls;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
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
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificate issuance with Bouncy Castle's builders, keys and certificates as JDK objects.
 *
 * <p>New keys are EC P-256. Serial numbers are 127 random bits. Thread-safe.
 */
final class X509 {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String EKU_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

  private X509() {}

  /** What to put in a certificate besides its key and issuer. */
  record Template(
      X500Name subject,
      Instant notBefore,
      Instant notAfter,
      boolean authority,
      int keyUsage,
      List<KeyPurposeId> extendedKeyUsages,
      List<GeneralName> subjectAlternativeNames) {}

  static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 is not available in this JDK", e);
    }
  }

  /** Signs a self-signed certificate (issuer == null) or one issued by {@code issuer}. */
  static X509Certificate sign(
      Template template, PublicKey subjectKey, X509Certificate issuer, PrivateKey issuerKey) {
    try {
      BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
      Date from = Date.from(template.notBefore());
      Date to = Date.from(template.notAfter());
      X509v3CertificateBuilder builder = issuer == null
          ? new JcaX509v3CertificateBuilder(template.subject(), serial, from, to, template.subject(), subjectKey)
          : new JcaX509v3CertificateBuilder(issuer, serial, from, to, template.subject(), subjectKey);
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(template.authority()));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(template.keyUsage()));
      if (!template.extendedKeyUsages().isEmpty()) {
        builder.addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(template.extendedKeyUsages().toArray(new KeyPurposeId[0])));
      }
      if (!template.subjectAlternativeNames().isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(template.subjectAlternativeNames().toArray(new GeneralName[0])));
      }
      builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(subjectKey));
      builder.addExtension(Extension.authorityKeyIdentifier, false, issuer == null
          ? extensions.createAuthorityKeyIdentifier(subjectKey)
          : extensions.createAuthorityKeyIdentifier(issuer.getPublicKey()));
      var signer = new JcaContentSignerBuilder(signatureAlgorithm(issuerKey)).build(issuerKey);
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue certificate for " + template.subject(), e);
    }
  }

  /** Whether the private key belongs to the public key: sign with one, verify with the other. */
  static boolean keysMatch(PrivateKey privateKey, PublicKey publicKey) {
    try {
      String algorithm = signatureAlgorithm(privateKey);
      byte[] probe = "revisor key check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether {@code certificate} carries the signature of {@code issuer}'s key. */
  static boolean signedBy(X509Certificate certificate, X509Certificate issuer) {
    try {
      certificate.verify(issuer.getPublicKey());
      return certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Whether the certificate may be used for TLS server authentication. */
  static boolean forServerAuthentication(X509Certificate certificate) {
    try {
      List<String> usages = certificate.getExtendedKeyUsage();
      return usages != null && usages.contains(EKU_SERVER_AUTH);
    } catch (CertificateParsingException e) {
      return false;
    }
  }

  /** Whether the certificate is usable at {@code now} and stays so for {@code margin} more. */
  static boolean validThrough(X509Certificate certificate, Instant now, Duration margin) {
    return !now.isBefore(certificate.getNotBefore().toInstant())
        && now.plus(margin).isBefore(certificate.getNotAfter().toInstant());
  }

  private static String signatureAlgorithm(PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519" -> "Ed25519";
      default -> throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm());
    };
  }
}
