package io.revisor.apiserver.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

import java.io.IOException;
import java.io.StringWriter;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** PEM reading and writing. */
class PemTest {
  @Test
  void certificatesAndKeysRoundTrip() throws IOException {
    CertificateAuthority ca = CertificateAuthority.generate("pem-test", Duration.ofDays(1), Clock.systemUTC());

    String certificates = Pem.encode(List.of(ca.certificate(), ca.certificate()));
    String key = Pem.encode(ca.privateKey());

    assertThat(Pem.readCertificates(certificates)).containsExactly(ca.certificate(), ca.certificate());
    assertThat(key).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
    assertThat(key.lines().filter(l -> !l.startsWith("-----"))).allSatisfy(l -> assertThat(l).hasSizeLessThan(65));
    assertThat(Pem.readPrivateKey(key).getEncoded()).isEqualTo(ca.privateKey().getEncoded());
  }

  static Stream<Arguments> traditionalKeys() throws Exception {
    return Stream.of(
        Arguments.of(named("PKCS#1 RSA", keyPair("RSA", 2048)), "-----BEGIN RSA PRIVATE KEY-----"),
        Arguments.of(named("SEC 1 EC, as openssl writes it", keyPair("EC", 256)), "-----BEGIN EC PRIVATE KEY-----"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void traditionalKeys(KeyPair keys, String header) throws IOException {
    String text = traditional(keys);
    assertThat(text).startsWith(header);

    PrivateKey read = Pem.readPrivateKey(text);

    assertThat(read.getAlgorithm()).isEqualTo(keys.getPrivate().getAlgorithm());
    assertThat(X509.keysMatch(read, keys.getPublic())).isTrue();
  }

  /** PKCS#1 for RSA; for EC the SEC 1 structure with curve and public key, which the JDK's encoding leaves out. */
  private static String traditional(KeyPair keys) throws IOException {
    if (keys.getPrivate().getAlgorithm().equals("RSA")) {
      StringWriter text = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
        writer.writeObject(keys.getPrivate());
      }
      return text.toString();
    }
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
    ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
    ECPrivateKey sec1 = new ECPrivateKey(256, inner.getKey(),
        SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData(),
        info.getPrivateKeyAlgorithm().getParameters());
    return "-----BEGIN EC PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(sec1.getEncoded())
        + "\n-----END EC PRIVATE KEY-----\n";
  }

  @Test
  void malformedInputIsAnIoException() {
    assertThatThrownBy(() -> Pem.readCertificates("")).isInstanceOf(IOException.class)
        .hasMessage("no PEM certificate found");
    assertThatThrownBy(() -> Pem.readCertificates("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> Pem.readPrivateKey("nothing here")).isInstanceOf(IOException.class)
        .hasMessage("no unencrypted PEM private key found");
    assertThatThrownBy(() -> Pem.readPrivateKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
        .isInstanceOf(IOException.class);
  }

  private static KeyPair keyPair(String algorithm, int size) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    generator.initialize(size);
    return generator.generateKeyPair();
  }
}
