package dev.inventory.service.problem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inventory.InventoryException;
import dev.inventory.InventoryUnavailableException;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shapes of the problems that a test over HTTP cannot bring about on demand without breaking
 * the database under the service: unavailable (with or without a known outcome) and the library's
 * own failure. Their mapping, as the handler answers them.
 */
@DisplayName("the problems of a database out of reach")
class ProblemHandlerTest {
  final ProblemHandler handler = new ProblemHandler(new Problems(JsonMapper.builder().build()));
  final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/orders");

  @Test
  @DisplayName(
      "InventoryUnavailableException: 503 inventory-unavailable, outcomeUnknown, Retry-After")
  void unavailable() {
    ResponseEntity<Map<String, Object>> answer =
        handler.unavailable(
            new InventoryUnavailableException(
                "the outcome is unknown: repeating the call is safe", null, true),
            request);
    assertThat(answer.getStatusCode().value()).isEqualTo(503);
    assertThat(answer.getHeaders().getFirst("Retry-After")).isEqualTo("1");
    assertThat(answer.getBody())
        .containsEntry("type", ProblemType.BASE + "inventory-unavailable")
        .containsEntry("status", 503)
        .containsEntry("instance", "/api/v1/orders")
        .containsEntry("outcomeUnknown", true);
    assertThat(answer.getBody().keySet())
        .startsWith("type", "title", "status", "detail", "instance");
  }

  @Test
  @DisplayName("another InventoryException: 500 inventory-error with the library's message")
  void inventoryError() {
    ResponseEntity<Map<String, Object>> answer =
        handler.inventory(
            new InventoryException("schema inventory is at migration version 3 but needs 5"),
            request);
    assertThat(answer.getStatusCode().value()).isEqualTo(500);
    assertThat(answer.getBody())
        .containsEntry("type", ProblemType.BASE + "inventory-error")
        .containsEntry("detail", "schema inventory is at migration version 3 but needs 5");
  }
}
