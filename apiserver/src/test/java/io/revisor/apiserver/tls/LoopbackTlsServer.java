package io.revisor.apiserver.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A JDK TLS server on 127.0.0.1 and a port of the system's choosing, for handshake tests: each connection completes a
 * handshake, receives one byte, and is closed. Every socket has a timeout, so no test can hang on it.
 */
final class LoopbackTlsServer implements AutoCloseable {
  private static final char[] PASSWORD = "test".toCharArray();
  private static final int TIMEOUT_MILLIS = 10_000;

  private final SSLServerSocket server;
  private final Thread acceptor;
  private final BlockingQueue<Principal> clients = new LinkedBlockingQueue<>();

  /**
   * @param chain the server's certificate chain, leaf first
   * @param key the leaf's key
   * @param clientCa when not null, clients must present a certificate this CA issued
   */
  LoopbackTlsServer(List<X509Certificate> chain, PrivateKey key, X509Certificate clientCa)
      throws IOException, GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers(chain, key), clientCa == null ? null : trustManagers(clientCa), null);
    server = (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    server.setNeedClientAuth(clientCa != null);
    acceptor = new Thread(this::accept, "loopback-tls-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** The principal of the next client that completed a handshake with a certificate. */
  Principal nextClient() throws InterruptedException {
    return clients.poll(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Connects as a client that trusts only {@code trustedCa} and checks the server's certificate against
   * {@code hostName} (a DNS name or an IP literal), like an HTTPS client would; completes the handshake and reads the
   * server's byte.
   *
   * @param clientChain the client's certificate chain, or null for none
   * @param clientKey its key, or null
   */
  void connect(String hostName, X509Certificate trustedCa, List<X509Certificate> clientChain, PrivateKey clientKey)
      throws IOException, GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(clientChain == null ? null : keyManagers(clientChain, clientKey), trustManagers(trustedCa), null);
    try (Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), TIMEOUT_MILLIS);
      raw.setSoTimeout(TIMEOUT_MILLIS);
      try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(raw, hostName, port(), false)) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        if (socket.getInputStream().read() != 42) {
          throw new IOException("server did not answer");
        }
      }
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    server.close();
    acceptor.join(TIMEOUT_MILLIS);
  }

  private void accept() {
    while (!server.isClosed()) {
      try (SSLSocket socket = (SSLSocket) server.accept()) {
        socket.setSoTimeout(TIMEOUT_MILLIS);
        try {
          socket.startHandshake();
          if (server.getNeedClientAuth()) {
            clients.add(socket.getSession().getPeerPrincipal());
          }
          socket.getOutputStream().write(42);
          socket.getOutputStream().flush();
          InputStream in = socket.getInputStream();
          in.read(); // wait for the client to close, so that it reads the byte first
        } catch (IOException e) {
          // a rejected handshake: the client reports it
        }
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static javax.net.ssl.KeyManager[] keyManagers(List<X509Certificate> chain, PrivateKey key)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("key", key, PASSWORD, chain.toArray(new X509Certificate[0]));
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, PASSWORD);
    return factory.getKeyManagers();
  }

  static javax.net.ssl.TrustManager[] trustManagers(X509Certificate ca) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("ca", ca);
    TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
    factory.init(store);
    return factory.getTrustManagers();
  }
}
