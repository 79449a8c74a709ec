package dev.inventory.service.problem;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Makes the service's problem details, and writes them where no controller is involved. */
@Component
public class Problems {
  private final JsonMapper json;

  Problems(JsonMapper json) {
    this.json = json;
  }

  /**
   * A problem of this type.
   *
   * @param type the type
   * @param detail what happened this time, for a person
   * @return the problem, its status, type and title set
   */
  public ProblemDetail of(ProblemType type, String detail) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(type.status(), detail);
    problem.setType(type.uri());
    problem.setTitle(type.title());
    return problem;
  }

  /**
   * A validation problem naming each field.
   *
   * @param detail a summary
   * @param errors one {@code {field, message}} per invalid field, parameter or header
   * @return the problem
   */
  public ProblemDetail validation(String detail, List<Map<String, Object>> errors) {
    ProblemDetail problem = of(ProblemType.VALIDATION_FAILED, detail);
    problem.setProperty("errors", errors);
    return problem;
  }

  /**
   * Writes a problem as {@code application/problem+json} (from a filter, before any controller).
   *
   * @param response the response
   * @param problem the problem
   * @param request the request, whose path becomes the {@code instance}
   * @throws IOException if the response cannot be written
   */
  public void write(HttpServletResponse response, ProblemDetail problem, HttpServletRequest request)
      throws IOException {
    problem.setInstance(URI.create(request.getRequestURI()));
    response.setStatus(problem.getStatus());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.getOutputStream().write(json.writeValueAsBytes(body(problem)));
  }

  /**
   * A problem as the JSON object sent: the RFC's members first, in its order ({@code type}, {@code
   * title}, {@code status}, {@code detail}, {@code instance}), then the type's own; {@code type}
   * left out when it is {@code about:blank}, as the RFC allows.
   *
   * @param problem the problem
   * @return its members, in order
   */
  public static Map<String, Object> body(ProblemDetail problem) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (problem.getType() != null && !"about:blank".equals(problem.getType().toString())) {
      body.put("type", problem.getType().toString());
    }
    body.put("title", problem.getTitle());
    body.put("status", problem.getStatus());
    if (problem.getDetail() != null) {
      body.put("detail", problem.getDetail());
    }
    if (problem.getInstance() != null) {
      body.put("instance", problem.getInstance().toString());
    }
    if (problem.getProperties() != null) {
      body.putAll(problem.getProperties());
    }
    return body;
  }
}
