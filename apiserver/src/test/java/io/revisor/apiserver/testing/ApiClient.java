package io.revisor.apiserver.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * A small HTTP client for tests, over the JDK's HttpClient (HTTP/2 with ALPN), trusting only the server's CA. Every
 * call is bounded in time.
 */
public final class ApiClient {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String base;
  private final String token;
  private final HttpClient http;
  private final Map<String, String> defaultHeaders;

  /** A response: status code, headers and the body parsed as JSON (null when it is not JSON). */
  public record Response(int code, Map<String, List<String>> headers, String text, JsonNode json) {
    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
    }

    public List<String> headerValues(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream()).toList();
    }

    @Override
    public String toString() {
      return code + " " + text;
    }
  }

  ApiClient(String base, Path caFile, String token) {
    this(base, trusting(caFile, null, null), token);
  }

  private ApiClient(String base, SSLContext tls, String token) {
    this(base, HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(tls)
        .sslParameters(sslParameters()).connectTimeout(Duration.ofSeconds(10)).build(), token, Map.of());
  }

  private ApiClient(String base, HttpClient http, String token, Map<String, String> defaultHeaders) {
    this.base = base;
    this.token = token;
    this.http = http;
    this.defaultHeaders = Map.copyOf(defaultHeaders);
  }

  /** A client that presents a client certificate ({@code certificate} and {@code key} as PEM) and no token. */
  public static ApiClient withClientCertificate(String base, Path caFile, java.security.cert.X509Certificate certificate,
      java.security.PrivateKey key) {
    return new ApiClient(base, trusting(caFile, certificate, key), null);
  }

  /**
   * A client that presents its certificate whatever CAs the server advertises (as curl does); the JDK's default
   * presents it only when its issuer is among them.
   */
  public static ApiClient withClientCertificateAlwaysSent(String base, Path caFile,
      java.security.cert.X509Certificate certificate, java.security.PrivateKey key) {
    return new ApiClient(base, trusting(caFile, certificate, key, true), null);
  }

  /** The same connection pool, sending {@code headers} with every request (e.g. a front proxy's X-Remote-User). */
  public ApiClient withHeaders(Map<String, String> headers) {
    return new ApiClient(base, http, token, headers);
  }

  /** A client over HTTP/1.1 (keep-alive) instead of HTTP/2, with the same TLS identity, token and headers. */
  public ApiClient http1() {
    return new ApiClient(base, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .sslContext(http.sslContext()).sslParameters(sslParameters()).connectTimeout(Duration.ofSeconds(10)).build(),
        token, defaultHeaders);
  }

  /** The same connection pool, with this bearer token (null: none). */
  public ApiClient withToken(String bearer) {
    return new ApiClient(base, http, bearer, defaultHeaders);
  }

  public Response get(String path) {
    return send("GET", path, null, null, null);
  }

  public Response get(String path, String accept) {
    return send("GET", path, null, null, accept);
  }

  /** A GET with {@code If-None-Match}. */
  public Response conditionalGet(String path, String etag) {
    return send("GET", path, null, null, null, java.util.Map.of("If-None-Match", etag));
  }

  public Response post(String path, String json) {
    return send("POST", path, json, "application/json", null);
  }

  public Response put(String path, String json) {
    return send("PUT", path, json, "application/json", null);
  }

  public Response patch(String path, String contentType, String body) {
    return send("PATCH", path, body, contentType, null);
  }

  public Response delete(String path) {
    return send("DELETE", path, null, null, null);
  }

  public Response delete(String path, String json) {
    return send("DELETE", path, json, "application/json", null);
  }

  /** Any request. */
  public Response send(String method, String path, String body, String contentType, String accept) {
    return send(method, path, body, contentType, accept, java.util.Map.of());
  }

  /** Any request, with extra headers. */
  public Response send(String method, String path, String body, String contentType, String accept,
      Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (accept != null) {
      request.header("Accept", accept);
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    defaultHeaders.forEach(request::header);
    headers.forEach(request::header);
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers().map(), response.body(), parse(response.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An open watch: events arrive in a queue, one line each; closing it ends the stream. */
  public final class Watch implements AutoCloseable {
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final InputStream body;
    private final Thread reader;
    private final int code;
    private volatile boolean ended;

    Watch(HttpResponse<InputStream> response) {
      this.code = response.statusCode();
      this.body = response.body();
      this.reader = new Thread(this::read, "test-watch-reader");
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          if (!line.isBlank()) {
            events.add(line);
          }
        }
      } catch (IOException e) {
        // The stream was closed.
      } finally {
        ended = true;
      }
    }

    public int code() {
      return code;
    }

    /** The next event, parsed, or null when none arrives within {@code timeout}. */
    public JsonNode next(Duration timeout) {
      String line = nextLine(timeout);
      try {
        return line == null ? null : MAPPER.readTree(line);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The next event as the server wrote it (without the newline), or null when none arrives within {@code timeout}. */
    public String nextLine(Duration timeout) {
      try {
        return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }

    /** Whether the server ended the stream (and every event was read). */
    public boolean ended() {
      return ended && events.isEmpty();
    }

    @Override
    public void close() {
      try {
        body.close();
      } catch (IOException e) {
        // Already closed.
      }
    }
  }

  /** Starts a watch at {@code path} (which must include {@code watch=true}). */
  public Watch watch(String path, String accept) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    defaultHeaders.forEach(request::header);
    if (accept != null) {
      request.header("Accept", accept);
    }
    try {
      return new Watch(http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Opens a WebSocket watch at {@code path}; each text message (one event) goes to {@code messages}. */
  public java.net.http.WebSocket webSocket(String path, java.util.concurrent.BlockingQueue<String> messages) {
    return webSocket(path, messages, false);
  }

  /**
   * Opens a WebSocket watch; with {@code tokenAsSubprotocol}, the token goes in the {@code
   * base64url.bearer.authorization.k8s.io.} subprotocol, as browsers send it, instead of a header.
   */
  public java.net.http.WebSocket webSocket(String path, java.util.concurrent.BlockingQueue<String> messages,
      boolean tokenAsSubprotocol) {
    java.net.http.WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    if (token != null && tokenAsSubprotocol) {
      builder.subprotocols("base64url.bearer.authorization.k8s.io."
          + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
    } else if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    defaultHeaders.forEach(builder::header);
    StringBuilder partial = new StringBuilder();
    java.net.http.WebSocket.Listener listener = new java.net.http.WebSocket.Listener() {
      @Override
      public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          messages.add(partial.toString());
          partial.setLength(0);
        }
        ws.request(1);
        return null;
      }
    };
    return builder.buildAsync(URI.create(base.replace("https://", "wss://") + path), listener)
        .orTimeout(30, TimeUnit.SECONDS).join();
  }

  private static JsonNode parse(String body) {
    try {
      return body == null || body.isEmpty() ? null : MAPPER.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static SSLParameters sslParameters() {
    SSLParameters parameters = new SSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    return parameters;
  }

  static SSLContext trusting(Path caFile, X509Certificate clientCertificate, java.security.PrivateKey clientKey) {
    return trusting(caFile, clientCertificate, clientKey, false);
  }

  private static SSLContext trusting(Path caFile, X509Certificate clientCertificate, java.security.PrivateKey clientKey,
      boolean alwaysSend) {
    try (InputStream in = Files.newInputStream(caFile)) {
      Collection<? extends java.security.cert.Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (java.security.cert.Certificate cert : certs) {
        trust.setCertificateEntry("ca-" + i++, (X509Certificate) cert);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      javax.net.ssl.KeyManager[] keys = null;
      if (clientCertificate != null) {
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("client", clientKey, new char[0], new java.security.cert.Certificate[] {clientCertificate});
        javax.net.ssl.KeyManagerFactory kmf =
            javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(identity, new char[0]);
        keys = kmf.getKeyManagers();
        if (alwaysSend) {
          keys = new javax.net.ssl.KeyManager[] {new AlwaysSend((javax.net.ssl.X509KeyManager) keys[0])};
        }
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, factory.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException("cannot trust " + caFile, e);
    }
  }

  /** Offers the one client certificate to every server, whatever issuers it asks for. */
  private static final class AlwaysSend extends javax.net.ssl.X509ExtendedKeyManager {
    private final javax.net.ssl.X509KeyManager delegate;

    AlwaysSend(javax.net.ssl.X509KeyManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
      return new String[] {"client"};
    }

    @Override
    public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
      return "client";
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers,
        javax.net.ssl.SSLEngine engine) {
      return "client";
    }

    @Override
    public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return delegate.getCertificateChain(alias);
    }

    @Override
    public java.security.PrivateKey getPrivateKey(String alias) {
      return delegate.getPrivateKey(alias);
    }
  }
}
