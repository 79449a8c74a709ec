package dev.inventory.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A client of the service over real HTTP: the JDK's HttpClient, JSON read with Jackson. */
final class Http {
  static final JsonMapper JSON = JsonMapper.builder().build();

  private final HttpClient client;
  private final String base;

  Http(int port) {
    this(
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build(),
        port);
  }

  Http(HttpClient client, int port) {
    this.client = client;
    this.base = "http://localhost:" + port;
  }

  /** An answer. */
  record Response(int status, HttpHeaders headers, String body) {
    JsonNode json() {
      return JSON.readTree(body);
    }

    Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    String contentType() {
      return header("Content-Type").orElse("");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  Response get(String path) {
    return send(request(path).GET().build());
  }

  Response post(String path, String json, String... headers) {
    return send(
        request(path, headers)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  /**
   * Polls a job at {@code location} until its state is {@code done} or {@code max} has passed (each
   * call its own deadline), and answers the last reading: the caller asserts the state. Polling,
   * not a latch: the job is seen over HTTP, maybe from another instance.
   */
  JsonNode awaitState(String location, Predicate<String> done, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    JsonNode job = get(location).json();
    while (!done.test(job.get("state").asString()) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for " + location, e);
      }
      job = get(location).json();
    }
    return job;
  }

  /** {@link #awaitState} for the usual wait: until a running job ends, 30 s at most. */
  JsonNode awaitEnd(String location) {
    return awaitState(location, state -> !state.equals("RUNNING"), Duration.ofSeconds(30));
  }

  Response post(String path) {
    return send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  Response put(String path, String json, String... headers) {
    return send(
        request(path, headers)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  Response send(String method, String path, String contentType, String body) {
    return send(
        request(path)
            .header("Content-Type", contentType)
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  /** Sends, and throws {@link IOException} as it came (for clients that retry). */
  Response trySend(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), response.headers(), response.body());
  }

  HttpRequest.Builder request(String path, String... headers) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      builder.headers(headers);
    }
    return builder;
  }

  private Response send(HttpRequest request) {
    try {
      return trySend(request);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
