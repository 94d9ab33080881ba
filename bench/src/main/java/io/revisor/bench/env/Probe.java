package io.revisor.bench.env;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One readiness probe: a GET that must answer 200 with a body containing a marker. */
final class Probe {
  private Probe() {}

  /**
   * Asks once.
   *
   * @param bearer a bearer token, or null
   * @return null when the answer is 200 and contains {@code marker}, else a description of the answer
   */
  static String get(HttpClient http, URI uri, String bearer, String marker) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    try {
      HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return answer.statusCode() == 200 && answer.body().contains(marker)
          ? null
          : uri + " answered " + answer.statusCode() + " " + answer.body().strip();
    } catch (IOException e) {
      return uri + ": " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
