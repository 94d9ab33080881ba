package io.revisor.apiserver.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * PEM encoding and decoding of certificates and private keys.
 *
 * <p>Keys are written as unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), the form Vert.x's
 * {@code PemKeyCertOptions}, Go and OpenSSL all read. Reading also accepts the traditional PKCS#1 RSA
 * ({@code RSA PRIVATE KEY}) and SEC 1 EC ({@code EC PRIVATE KEY}) forms. Keys and certificates come back as JDK
 * objects; no security provider is installed.
 *
 * <p>Stateless and thread-safe.
 */
public final class Pem {
  private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, new byte[] {'\n'});

  private Pem() {}

  /**
   * Every certificate of a PEM text, in order (a chain file lists the leaf first).
   *
   * @throws IOException if the text holds no certificate or a malformed one
   */
  public static List<X509Certificate> readCertificates(String pem) throws IOException {
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (var certificate : factory.generateCertificates(
          new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        certificates.add((X509Certificate) certificate);
      }
    } catch (CertificateException e) {
      throw new IOException("not a PEM certificate: " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IOException("no PEM certificate found");
    }
    return certificates;
  }

  /** {@link #readCertificates(String)} of a file. */
  public static List<X509Certificate> readCertificates(Path file) throws IOException {
    try {
      return readCertificates(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw withFile(file, e);
    }
  }

  /**
   * The first private key of a PEM text.
   *
   * @throws IOException if the text holds no unencrypted private key
   */
  public static PrivateKey readPrivateKey(String pem) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          // SEC 1 keys may omit the public key, so convert the private part alone.
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
      }
    } catch (PEMException e) {
      throw new IOException("not a PEM private key: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // Bouncy Castle reports some malformed encodings as unchecked exceptions.
      throw new IOException("not a PEM private key: " + e, e);
    }
    throw new IOException("no unencrypted PEM private key found");
  }

  /** {@link #readPrivateKey(String)} of a file. */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    try {
      return readPrivateKey(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw withFile(file, e);
    }
  }

  /** Certificates as consecutive {@code CERTIFICATE} blocks. */
  public static String encode(List<X509Certificate> certificates) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      try {
        block(out, "CERTIFICATE", certificate.getEncoded());
      } catch (CertificateEncodingException e) {
        throw new IllegalArgumentException("certificate cannot be encoded", e);
      }
    }
    return out.toString();
  }

  /** A private key as a PKCS#8 {@code PRIVATE KEY} block. */
  public static String encode(PrivateKey key) {
    if (!"PKCS#8".equals(key.getFormat())) {
      throw new IllegalArgumentException("key is not PKCS#8 encodable: " + key.getFormat());
    }
    StringBuilder out = new StringBuilder();
    block(out, "PRIVATE KEY", key.getEncoded());
    return out.toString();
  }

  private static void block(StringBuilder out, String type, byte[] der) {
    out.append("-----BEGIN ").append(type).append("-----\n");
    out.append(new String(BASE64.encode(der), StandardCharsets.US_ASCII)).append('\n');
    out.append("-----END ").append(type).append("-----\n");
  }

  private static IOException withFile(Path file, IOException e) {
    if (e instanceof FileSystemException) {
      return e; // already names the file
    }
    return new IOException(file + ": " + e.getMessage(), e);
  }
}
