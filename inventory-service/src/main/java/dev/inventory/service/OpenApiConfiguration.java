package dev.inventory.service;

import dev.inventory.service.idempotency.IdempotencyFilter;
import dev.inventory.service.problem.Answers;
import dev.inventory.service.problem.ProblemType;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.servers.Server;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;

/** The OpenAPI description served at {@code /v3/api-docs}; the build compares it with a copy. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

  @Bean
  OpenAPI inventoryServiceApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("inventory-service")
                .version("v1")
                .description(
                    "Hubs and SKUs (the catalog), stock per hub and SKU, checkInventory, orders,"
                        + " carts and settlement jobs, on the inventory library. Errors are RFC"
                        + " 9457 problem details (application/problem+json); every write honours"
                        + " an Idempotency-Key.")
                .license(
                    new License()
                        .name("Apache-2.0")
                        .url("https://www.apache.org/licenses/LICENSE-2.0.txt")))
        // Relative: the description is the same whatever host and port serve it.
        .servers(List.of(new Server().url("/").description("this service")));
  }

  /**
   * Documents each endpoint's success status and problems ({@link Answers}), and the ones every
   * endpoint may answer: 400 for bad input and 503 when the database is out of reach.
   */
  @Bean
  OperationCustomizer answers() {
    return (operation, handler) -> {
      Answers answers = handler.getMethodAnnotation(Answers.class);
      int success = answers == null ? 200 : answers.success();
      ApiResponses responses = operation.getResponses();
      ApiResponse ok = responses.remove("200");
      if (ok != null) {
        responses.addApiResponse(String.valueOf(success), ok.description(reason(success)));
      }
      Map<Integer, List<ProblemType>> byStatus = new TreeMap<>();
      List<ProblemType> all = new ArrayList<>(List.of(ProblemType.VALIDATION_FAILED));
      if (answers != null) {
        all.addAll(List.of(answers.problems()));
      }
      all.add(ProblemType.INVENTORY_UNAVAILABLE);
      for (ProblemType type : all) {
        byStatus.computeIfAbsent(type.status().value(), s -> new ArrayList<>()).add(type);
      }
      byStatus.forEach(
          (status, types) ->
              responses.addApiResponse(
                  String.valueOf(status),
                  new ApiResponse()
                      .description(
                          types.stream()
                              .distinct()
                              .map(ProblemType::slug)
                              .collect(Collectors.joining(", ")))
                      .content(
                          new Content()
                              .addMediaType(
                                  "application/problem+json",
                                  new MediaType()
                                      .schema(
                                          new Schema<>().$ref("#/components/schemas/Problem"))))));
      return operation;
    };
  }

  /** The problem details' schema (RFC 9457), with the extension members the types add. */
  @Bean
  OpenApiCustomizer problemSchema() {
    return api ->
        api.getComponents()
            .addSchemas(
                "Problem",
                new ObjectSchema()
                    .description(
                        "RFC 9457 problem details; type is "
                            + ProblemType.BASE
                            + "<slug>, and each type adds its data (shortages, errors, buyerId, limit, remaining,"
                            + " reservationId, reservationStatus, refused, keys, kind, jobId,"
                            + " state, ...)")
                    .addProperty("type", new StringSchema().format("uri"))
                    .addProperty("title", new StringSchema())
                    .addProperty("status", new IntegerSchema())
                    .addProperty("detail", new StringSchema())
                    .addProperty("instance", new StringSchema().format("uri-reference"))
                    .additionalProperties(true));
  }

  private static String reason(int status) {
    HttpStatus resolved = HttpStatus.resolve(status);
    return resolved == null ? "OK" : resolved.getReasonPhrase();
  }

  /** Documents the Idempotency-Key header on every write, where the filter honours it. */
  @Bean
  OperationCustomizer idempotencyKeyHeader() {
    return (operation, handler) -> {
      RequestMapping mapping =
          AnnotatedElementUtils.findMergedAnnotation(handler.getMethod(), RequestMapping.class);
      boolean write =
          mapping != null
              && Arrays.stream(mapping.method())
                  .anyMatch(
                      method ->
                          method == RequestMethod.POST
                              || method == RequestMethod.PUT
                              || method == RequestMethod.PATCH
                              || method == RequestMethod.DELETE);
      if (write) {
        operation.addParametersItem(
            new HeaderParameter()
                .name(IdempotencyFilter.HEADER)
                .required(false)
                .description(
                    "Any unique string, at most 255 visible ASCII characters. A repeat with the"
                        + " same key and request gets the first answer again (header"
                        + " Idempotency-Replayed: true); the same key with another request is 422"
                        + " idempotency-key-reused.")
                .schema(new StringSchema().maxLength(255)));
      }
      return operation;
    };
  }
}
