package io.revisor.apiserver.tls;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;

/**
 * Self-signed serving certificates for {@code --cert-dir}: a private CA and a serving certificate it signs, generated
 * on first start and reused afterwards, like kube-apiserver's self-signed mode but with a CA that outlives the serving
 * certificate (so a registered {@code APIService caBundle} stays valid across renewals).
 *
 * <p>Files in the directory: {@value #CA_CERTIFICATE}, {@value #CA_KEY}, {@value #CERTIFICATE} (serving certificate,
 * then the CA), {@value #KEY}: the names of a {@code kubernetes.io/tls} Secret plus the CA key. Keys are EC P-256 in
 * PKCS#8 PEM, mode 0600; certificates 0644; a new directory is 0700. Each file is written atomically (temporary file,
 * then rename), keys before certificates.
 *
 * <p>Reuse rules, checked on every call: the CA is reused when both its files parse, the key matches, and it is valid
 * for more than {@value #RENEW_BEFORE_DAYS} days; otherwise a new CA (10 years) is made and the serving certificate
 * with it. The serving certificate is reused when both its files parse, the key matches, the current CA signed it,
 * it has serverAuth, is valid for more than {@value #RENEW_BEFORE_DAYS} days, and its names include every requested
 * one; otherwise a new one (1 year, never past the CA) is issued. Reused files are not rewritten.
 *
 * <p>Thread-safe; calls are serialised within the JVM and, through a lock file ({@value #LOCK}) where the directory is
 * writable, across processes sharing the directory. The directory belongs to this class: do not point it at mounted
 * certificates.
 */
public final class SelfSignedCertificates {
  /** The CA certificate file name. */
  public static final String CA_CERTIFICATE = "ca.crt";
  /** The CA key file name. */
  public static final String CA_KEY = "ca.key";
  /** The serving certificate (chain) file name. */
  public static final String CERTIFICATE = "tls.crt";
  /** The serving key file name. */
  public static final String KEY = "tls.key";
  /** The lock file name. */
  public static final String LOCK = ".revisor-certificates.lock";
  /** Certificates expiring within this many days are replaced. */
  public static final int RENEW_BEFORE_DAYS = 30;

  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration SERVING_VALIDITY = Duration.ofDays(365);
  private static final Duration RENEW_BEFORE = Duration.ofDays(RENEW_BEFORE_DAYS);
  private static final Object JVM_LOCK = new Object();

  private SelfSignedCertificates() {}

  /**
   * Makes sure {@code certDir} holds a CA and a serving certificate for the default names ({@code localhost},
   * {@code 127.0.0.1}, {@code ::1}, this host's name) and {@code extraNames}, reusing what is there when it is still
   * good (see the class description).
   *
   * @param certDir the directory; created when missing
   * @param extraNames more names: IP literals ({@code 10.0.0.7}, {@code ::1}, {@code [fd00::1]}) become IP SANs,
   *     anything else a DNS SAN (e.g. {@code revisor.revisor-system.svc})
   * @param clock the clock validity is measured against and certificates are dated from
   * @return the files and certificates
   * @throws IOException if the directory or a file cannot be read or written; unparseable files are replaced, not
   *     reported
   * @throws IllegalArgumentException if a name is neither an IP literal nor an ASCII host name
   */
  public static ServingCertificates ensure(Path certDir, List<String> extraNames, Clock clock) throws IOException {
    Objects.requireNonNull(certDir, "certDir");
    Objects.requireNonNull(extraNames, "extraNames");
    Objects.requireNonNull(clock, "clock");
    List<String> names = new ArrayList<>(defaultNames());
    names.addAll(extraNames);
    Names requested = Names.parse(names);
    synchronized (JVM_LOCK) {
      SecureFiles.createDirectory(certDir);
      try (DirectoryLock ignored = lock(certDir)) {
        return ensureLocked(certDir, requested, clock);
      }
    }
  }

  /** {@code localhost}, {@code 127.0.0.1}, {@code ::1} and, when it can be found, this host's name. */
  public static List<String> defaultNames() {
    List<String> names = new ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
    String host = hostName();
    if (host != null && !host.isEmpty() && !names.contains(host)) {
      names.add(host);
    }
    return names;
  }

  private static ServingCertificates ensureLocked(Path dir, Names requested, Clock clock) throws IOException {
    Path caCertificateFile = dir.resolve(CA_CERTIFICATE);
    Path caKeyFile = dir.resolve(CA_KEY);
    Path certificateFile = dir.resolve(CERTIFICATE);
    Path keyFile = dir.resolve(KEY);
    Instant now = clock.instant();

    CertificateAuthority authority = reusableAuthority(caCertificateFile, caKeyFile, now);
    boolean caIssued = authority == null;
    if (caIssued) {
      authority = CertificateAuthority.generate("revisor-ca@" + now.getEpochSecond(), CA_VALIDITY, clock);
      SecureFiles.write(caKeyFile, Pem.encode(authority.privateKey()).getBytes(StandardCharsets.US_ASCII),
          SecureFiles.OWNER_ONLY);
      SecureFiles.write(caCertificateFile, authority.certificatePem().getBytes(StandardCharsets.US_ASCII),
          SecureFiles.WORLD_READABLE);
    }

    X509Certificate serving =
        caIssued ? null : reusableServing(certificateFile, keyFile, authority, requested, now);
    boolean certificateIssued = serving == null;
    if (certificateIssued) {
      IssuedCertificate issued = issueServing(authority, requested, clock);
      issued.write(certificateFile, keyFile);
      serving = issued.certificate();
    }
    return new ServingCertificates(caCertificateFile, caKeyFile, certificateFile, keyFile,
        authority.certificate(), serving, requested.all(), caIssued, certificateIssued);
  }

  private static CertificateAuthority reusableAuthority(Path certificateFile, Path keyFile, Instant now)
      throws IOException {
    CertificateAuthority authority;
    try {
      authority = CertificateAuthority.read(certificateFile, keyFile);
    } catch (AccessDeniedException e) {
      throw e; // present but unreadable: replacing it would hide a deployment mistake
    } catch (IOException e) {
      return null; // missing, malformed, not a CA, or a mismatched key: make a new one
    }
    return X509.validThrough(authority.certificate(), now, RENEW_BEFORE) ? authority : null;
  }

  private static X509Certificate reusableServing(
      Path certificateFile, Path keyFile, CertificateAuthority authority, Names requested, Instant now)
      throws IOException {
    X509Certificate certificate;
    PrivateKey key;
    try {
      certificate = Pem.readCertificates(certificateFile).get(0);
      key = Pem.readPrivateKey(keyFile);
    } catch (AccessDeniedException e) {
      throw e;
    } catch (IOException e) {
      return null;
    }
    boolean reusable = X509.keysMatch(key, certificate.getPublicKey())
        && X509.signedBy(certificate, authority.certificate())
        && X509.forServerAuthentication(certificate)
        && X509.validThrough(certificate, now, RENEW_BEFORE)
        && Names.of(certificate).containsAll(requested);
    return reusable ? certificate : null;
  }

  /**
   * Issues a serving certificate like the one {@link #ensure} writes (serverAuth, EC P-256, a year but never past
   * the CA), for exactly {@code names}: no default names are added. For mounted certificates made elsewhere, and
   * tests.
   *
   * @param names DNS names and IP literals, as for {@link #ensure}
   * @throws IllegalArgumentException if a name is neither an IP literal nor an ASCII host name
   */
  public static IssuedCertificate issue(CertificateAuthority authority, List<String> names, Clock clock) {
    return issueServing(Objects.requireNonNull(authority, "authority"), Names.parse(names), clock);
  }

  private static IssuedCertificate issueServing(CertificateAuthority authority, Names names, Clock clock) {
    Instant now = clock.instant();
    Instant notAfter = now.plus(SERVING_VALIDITY);
    Instant caNotAfter = authority.certificate().getNotAfter().toInstant();
    String commonName = (names.dns().isEmpty() ? "revisor" : names.dns().get(0)) + "@" + now.getEpochSecond();
    KeyPair keys = X509.newKeyPair();
    X509.Template template = new X509.Template(
        new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build(),
        now.minus(CertificateAuthority.BACKDATE),
        notAfter.isAfter(caNotAfter) ? caNotAfter : notAfter,
        false,
        KeyUsage.digitalSignature | KeyUsage.keyEncipherment,
        List.of(KeyPurposeId.id_kp_serverAuth),
        names.generalNames());
    return new IssuedCertificate(
        X509.sign(template, keys.getPublic(), authority.certificate(), authority.privateKey()),
        keys.getPrivate(),
        authority.certificate());
  }

  /** Holds the directory's lock file open and locked; closing the channel releases the lock. */
  private record DirectoryLock(FileChannel channel) implements Closeable {
    @Override
    public void close() throws IOException {
      if (channel != null) {
        channel.close();
      }
    }
  }

  private static DirectoryLock lock(Path dir) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (FileSystemException e) {
      // Read-only or not ours: nothing can be written anyway, so there is nothing to serialise.
      return new DirectoryLock(null);
    }
    try {
      channel.lock();
      return new DirectoryLock(channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
    } catch (UnknownHostException | SecurityException e) {
      String fromEnvironment = System.getenv("HOSTNAME");
      return fromEnvironment == null ? null : fromEnvironment.toLowerCase(Locale.ROOT);
    }
  }

  /** Requested or present subject alternative names: DNS names (lower case) and IP addresses (as bytes). */
  record Names(List<String> dns, List<InetAddress> ips, List<String> all) {
    static Names parse(Collection<String> names) {
      Set<String> dns = new LinkedHashSet<>();
      Set<InetAddress> ips = new LinkedHashSet<>();
      Set<String> all = new LinkedHashSet<>();
      for (String raw : names) {
        String name = raw.trim();
        InetAddress ip = ipLiteral(name);
        if (ip != null) {
          ips.add(ip);
          all.add(ip.getHostAddress());
        } else {
          String host = hostName(name);
          dns.add(host);
          all.add(host);
        }
      }
      return new Names(List.copyOf(dns), List.copyOf(ips), List.copyOf(all));
    }

    static Names of(X509Certificate certificate) {
      List<String> names = new ArrayList<>();
      try {
        Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
        if (sans != null) {
          for (List<?> san : sans) {
            int type = (Integer) san.get(0);
            if (type == GeneralName.dNSName || type == GeneralName.iPAddress) {
              names.add((String) san.get(1));
            }
          }
        }
        return parse(names);
      } catch (CertificateParsingException | IllegalArgumentException e) {
        return new Names(List.of(), List.of(), List.of());
      }
    }

    boolean containsAll(Names other) {
      return dns.containsAll(other.dns) && ips.containsAll(other.ips);
    }

    List<GeneralName> generalNames() {
      List<GeneralName> out = new ArrayList<>();
      for (String name : dns) {
        out.add(new GeneralName(GeneralName.dNSName, name));
      }
      for (InetAddress ip : ips) {
        out.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(ip.getAddress())));
      }
      return out;
    }

    /** The address of an IPv4 or IPv6 literal, or null; never a DNS lookup. */
    private static InetAddress ipLiteral(String name) {
      String literal = name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
      try {
        if (literal.indexOf(':') >= 0) {
          // A name with a colon is only ever parsed as an IPv6 literal, never looked up.
          return InetAddress.getByName(literal);
        }
        String[] parts = literal.split("\\.", -1);
        if (parts.length != 4) {
          return null;
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
          if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
            return null;
          }
          int octet = Integer.parseInt(parts[i]);
          if (octet > 255) {
            return null;
          }
          address[i] = (byte) octet;
        }
        return InetAddress.getByAddress(address);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("not an IP address: " + name, e);
      }
    }

    private static String hostName(String name) {
      if (name.isEmpty() || name.length() > 253
          || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/' && c != '@')) {
        throw new IllegalArgumentException("not a host name or IP address: \"" + name + "\"");
      }
      return name.toLowerCase(Locale.ROOT);
    }
  }
}
