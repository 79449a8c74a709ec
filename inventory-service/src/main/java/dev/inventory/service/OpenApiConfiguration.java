package dev.inventory.service;

import dev.inventory.service.idempotency.IdempotencyFilter;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.servers.Server;
import java.util.Arrays;
import java.util.List;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotatedElementUtils;
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
                    "Stock per hub and SKU, checkInventory, orders, carts and settlement jobs, on"
                        + " the inventory library. Errors are RFC 9457 problem details"
                        + " (application/problem+json); every write honours an Idempotency-Key.")
                .license(
                    new License()
                        .name("Apache-2.0")
                        .url("https://www.apache.org/licenses/LICENSE-2.0.txt")))
        // Relative: the description is the same whatever host and port serve it.
        .servers(List.of(new Server().url("/").description("this service")));
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
                        + " idempotency-key-reused; a repeat while the first runs is 409"
                        + " idempotency-key-in-progress.")
                .schema(new StringSchema().maxLength(255)));
      }
      return operation;
    };
  }
}
