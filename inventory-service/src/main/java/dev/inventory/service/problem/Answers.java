package dev.inventory.service.problem;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What an endpoint answers besides 200: its success status and the problem types it may send. The
 * OpenAPI description lists them per status (one {@code application/problem+json} response each).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Answers {
  /**
   * The success status.
   *
   * @return 200, 201 or 202
   */
  int success() default 200;

  /**
   * The problem types the endpoint may answer with.
   *
   * @return the types
   */
  ProblemType[] problems() default {};
}
