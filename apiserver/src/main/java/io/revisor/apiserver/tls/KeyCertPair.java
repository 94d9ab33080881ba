package io.revisor.apiserver.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * A serving certificate chain and its private key: the PEM text as read, and the parsed chain, checked to belong
 * together (the key signs what the leaf certificate's public key verifies).
 *
 * <p>Immutable and thread-safe; the byte accessors return copies.
 */
public final class KeyCertPair {
  private final byte[] certificatePem;
  private final byte[] keyPem;
  private final List<X509Certificate> chain;

  private KeyCertPair(byte[] certificatePem, byte[] keyPem, List<X509Certificate> chain) {
    this.certificatePem = certificatePem;
    this.keyPem = keyPem;
    this.chain = List.copyOf(chain);
  }

  /**
   * Parses a chain (leaf first, then any intermediates) and a private key in PEM.
   *
   * @throws IOException when either does not parse, or the key is not the leaf certificate's
   */
  public static KeyCertPair parse(byte[] certificatePem, byte[] keyPem) throws IOException {
    List<X509Certificate> chain = Pem.readCertificates(new String(certificatePem, StandardCharsets.US_ASCII));
    PrivateKey key = Pem.readPrivateKey(new String(keyPem, StandardCharsets.US_ASCII));
    if (!X509.keysMatch(key, chain.get(0).getPublicKey())) {
      throw new IOException("the private key does not belong to the certificate "
          + chain.get(0).getSubjectX500Principal().getName(X500Principal.RFC2253));
    }
    return new KeyCertPair(certificatePem.clone(), keyPem.clone(), chain);
  }

  /**
   * Reads and {@linkplain #parse parses} a chain file and a key file, following symbolic links.
   *
   * @throws IOException naming the file that cannot be read or parsed, or both files when they do not match
   */
  public static KeyCertPair read(Path certificateFile, Path keyFile) throws IOException {
    byte[] certificate = Files.readAllBytes(certificateFile);
    byte[] key = Files.readAllBytes(keyFile);
    try {
      Pem.readCertificates(new String(certificate, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new IOException(certificateFile + ": " + e.getMessage(), e);
    }
    try {
      Pem.readPrivateKey(new String(key, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new IOException(keyFile + ": " + e.getMessage(), e);
    }
    try {
      return parse(certificate, key);
    } catch (IOException e) {
      throw new IOException(keyFile + " and " + certificateFile + ": " + e.getMessage(), e);
    }
  }

  /** The chain as read (PEM). */
  public byte[] certificatePem() {
    return certificatePem.clone();
  }

  /** The private key as read (PEM). */
  public byte[] keyPem() {
    return keyPem.clone();
  }

  /** The chain, leaf first. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The leaf certificate. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** Whether both texts are byte for byte those of {@code other}. */
  public boolean sameAs(KeyCertPair other) {
    return other != null && Arrays.equals(certificatePem, other.certificatePem) && Arrays.equals(keyPem, other.keyPem);
  }

  /** Subject, serial number and expiry of the leaf, for logs. */
  public String describe() {
    X509Certificate leaf = certificate();
    return leaf.getSubjectX500Principal().getName(X500Principal.RFC2253) + " (serial " + leaf.getSerialNumber().toString(16)
        + ", valid until " + leaf.getNotAfter().toInstant() + ")";
  }

  @Override
  public String toString() {
    return "KeyCertPair[" + describe() + "]";
  }
}
