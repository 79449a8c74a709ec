package dev.inventory.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The request collection a person walks, {@code inventory-service/requests.http}, sent request by
 * request, top to bottom, to a service in known-keys mode, as VS Code's REST Client sends it: its
 * file variables, its request variables ({@code {{order.response.body.orderId}}}) and {@code
 * {{$datetime 'YYYY-MM-DD'}}}. So the collection cannot rot: a request the service no longer
 * answers as the collection says fails the build.
 */
@DisplayName("the request collection, requests.http")
class RequestCollectionTest {
  static final TestService.Schemas SCHEMAS = TestService.Schemas.fresh(RequestCollectionTest.class);
  static final Path FILE = Path.of("requests.http");

  /** The requests the collection sends to be refused, by number: the problem type each gets. */
  static final Map<Integer, String> REFUSED =
      Map.of(11, "insufficient-stock", 16, "buyer-limit-exceeded", 34, "unknown-keys");

  private static final Pattern VARIABLE = Pattern.compile("\\{\\{([^}]+)}}");

  @AfterAll
  static void drop() {
    SCHEMAS.drop();
  }

  /** One request of the file. */
  record Request(
      int number,
      String title,
      @Nullable String name,
      String method,
      String url,
      Map<String, String> headers,
      String body) {}

  @Test
  @DisplayName("walks the seeds' flows in order, each request answered as its title says")
  void walksInOrder() throws IOException, InterruptedException {
    String text = Files.readString(FILE, StandardCharsets.UTF_8);
    Map<String, String> variables = fileVariables(text);
    List<Request> requests = requests(text);

    List<String> lines = requests.stream().map(r -> r.method() + " " + r.url()).toList();
    assertThat(
            indexes(
                lines,
                "GET {{base}}/actuator/health",
                "POST {{base}}/api/v1/hubs",
                "POST {{base}}/api/v1/skus",
                "PUT {{base}}/api/v1/hubs/hub-1/stock/SKU-1",
                "POST {{base}}/api/v1/orders",
                "GET {{base}}/api/v1/orders/{{order.response.body.orderId}}",
                "POST {{base}}/api/v1/jobs/settlement",
                "GET {{base}}/api/v1/jobs/{{job.response.body.jobId}}",
                "GET {{base}}/api/v1/jobs/{{job.response.body.jobId}}/download",
                "GET {{base}}/api/v1/settlement/sellers?from={{$datetime 'YYYY-MM-DD'}}"
                    + "&to={{$datetime 'YYYY-MM-DD'}}&sellerId=seller-1"))
        .as("the seeds' flows, each after the one before: " + lines)
        .doesNotContain(-1);

    try (TestService service =
        TestService.start(SCHEMAS, 0, Map.of("service.known-keys-only", "true"))) {
      Http http = service.http();
      variables.put("base", "http://localhost:" + service.port());
      variables.put("run", "test-" + UUID.randomUUID());
      Map<String, JsonNode> named = new HashMap<>();
      for (Request request : requests) {
        Http.Response answer = sendAsAPersonWould(http, request, variables, named);
        String refused = REFUSED.get(request.number());
        if (refused == null) {
          assertThat(answer.status())
              .as(request.number() + ". " + request.title() + ": " + answer)
              .isBetween(200, 299);
        } else {
          ServiceEndpointsTest.problem(answer, 422, refused);
        }
        if (request.name() != null) {
          named.put(request.name(), answer.json());
        }
      }
      assertThat(named).containsKeys("order", "cart", "job");
    }
  }

  /**
   * Sends a request; the CSV of a job still running is asked for again, as a person would after
   * looking at the job's status.
   */
  private static Http.Response sendAsAPersonWould(
      Http http, Request request, Map<String, String> variables, Map<String, JsonNode> named)
      throws IOException, InterruptedException {
    String url = substitute(request.url(), variables, named);
    String body = substitute(request.body(), variables, named);
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url));
    request
        .headers()
        .forEach((name, value) -> builder.header(name, substitute(value, variables, named)));
    builder.method(
        request.method(),
        body.isEmpty()
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Http.Response answer = http.trySend(builder.build());
    while (url.endsWith("/download") && answer.status() == 409 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      answer = http.trySend(builder.build());
    }
    return answer;
  }

  /** {@code @name = value} lines before the first request. */
  private static Map<String, String> fileVariables(String text) {
    Map<String, String> variables = new LinkedHashMap<>();
    for (String line : text.substring(0, text.indexOf("\n###")).split("\n")) {
      if (line.startsWith("@")) {
        String[] pair = line.substring(1).split("=", 2);
        variables.put(pair[0].strip(), pair[1].strip());
      }
    }
    return variables;
  }

  /** The requests: a {@code ###} line each, then comments, the request line, headers, body. */
  private static List<Request> requests(String text) {
    List<Request> requests = new ArrayList<>();
    String[] blocks = text.split("\n###");
    for (int i = 1; i < blocks.length; i++) {
      String[] lines = blocks[i].split("\n", -1);
      String title = lines[0].strip();
      Matcher numbered = Pattern.compile("^(\\d+)\\.\\s+(.*)$").matcher(title);
      assertThat(numbered.matches()).as("a numbered title: " + title).isTrue();
      String name = null;
      String method = null;
      String url = null;
      Map<String, String> headers = new LinkedHashMap<>();
      StringBuilder body = new StringBuilder();
      boolean inBody = false;
      for (int k = 1; k < lines.length; k++) {
        String line = lines[k];
        if (inBody) {
          body.append(line).append('\n');
        } else if (line.startsWith("# @name ")) {
          name = line.substring("# @name ".length()).strip();
        } else if (line.startsWith("#")) {
          continue;
        } else if (method == null) {
          if (!line.isBlank()) {
            // METHOD URL [HTTP/1.1]; the URL may hold a variable with a space in it.
            String[] request = line.strip().split(" ", 2);
            method = request[0];
            url = request[1].replaceFirst(" HTTP/[0-9.]+$", "");
          }
        } else if (line.isBlank()) {
          inBody = true;
        } else {
          String[] header = line.split(":", 2);
          headers.put(header[0].strip(), header[1].strip());
        }
      }
      assertThat(method).as("request " + title + " has a request line").isNotNull();
      requests.add(
          new Request(
              Integer.parseInt(numbered.group(1)),
              numbered.group(2),
              name,
              method,
              url,
              headers,
              body.toString().strip()));
    }
    return requests;
  }

  /** REST Client's variables: the file's, a named answer's body field, and today's UTC date. */
  private static String substitute(
      String text, Map<String, String> variables, Map<String, JsonNode> named) {
    Matcher matcher = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String variable = matcher.group(1).strip();
      String value;
      if (variable.equals("$datetime 'YYYY-MM-DD'")) {
        value = LocalDate.now(ZoneOffset.UTC).toString();
      } else if (variable.contains(".response.body.")) {
        String[] parts = variable.split("\\.response\\.body\\.", 2);
        JsonNode answer = named.get(parts[0]);
        assertThat(answer)
            .as("the answer of request '" + parts[0] + "' before " + text)
            .isNotNull();
        value = answer.get(parts[1]).asString();
      } else {
        value = variables.get(variable);
        assertThat(value).as("the variable " + variable).isNotNull();
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  private static List<Integer> indexes(List<String> lines, String... wanted) {
    List<Integer> indexes = new ArrayList<>();
    int from = 0;
    for (String line : wanted) {
      int found = -1;
      for (int i = from; i < lines.size(); i++) {
        if (lines.get(i).equals(line)) {
          found = i;
          break;
        }
      }
      indexes.add(found);
      from = Math.max(from, found + 1);
    }
    return indexes;
  }
}
