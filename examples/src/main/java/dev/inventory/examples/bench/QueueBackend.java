package dev.inventory.examples.bench;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * The backend of {@code queue}: RabbitMQ at {@code --amqp-url} for the requests, and a schema of
 * the library's tables for the stock (a {@link SchemaBackend}: the correctness table reads its
 * stock row).
 */
final class QueueBackend {
  /** How to start the RabbitMQ the benchmark expects. */
  static final String START = "rabbitmq-server -detached";

  private QueueBackend() {}

  /**
   * Checks that RabbitMQ answers, then sets up the schema.
   *
   * @throws Backend.Unavailable if no RabbitMQ answers at {@code --amqp-url}
   */
  static Backend open(Backend.ApproachContext context) throws Exception {
    ConnectionFactory factory = factory(context.plan().amqpUrl());
    try (Connection probe = factory.newConnection("inventory-bench-probe")) {
      probe.getServerProperties();
    } catch (IOException | TimeoutException e) {
      throw new Backend.Unavailable(
          "no RabbitMQ at "
              + BenchOptions.redacted(context.plan().amqpUrl())
              + " (start it with: "
              + START
              + ")",
          e);
    }
    String prefix = context.plan().schemaPrefix() + "." + context.name();
    return SchemaBackend.of(
            (pool, poolSize, c) -> new QueueApproach(factory, prefix, poolSize, pool, c.schema()))
        .open(context);
  }

  private static ConnectionFactory factory(String url) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(url);
    factory.setConnectionTimeout(2_000);
    factory.setAutomaticRecoveryEnabled(false);
    return factory;
  }
}
