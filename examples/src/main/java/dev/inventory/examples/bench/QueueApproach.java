package dev.inventory.examples.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * {@code queue}, the FIFO queue a shop may put in front of its database for a flash sale (the seed
 * system's answer to oversold stock: take the orders in turn). Buyers publish each request, as a
 * persistent message with publisher confirms, to the durable queue of its SKU and wait for the
 * reply (direct reply-to); one consumer per queue takes the requests in order and runs them in
 * PostgreSQL ({@link QueueOrders}: the conditional UPDATE and its order row), then replies. Confirm
 * and release go the same way.
 *
 * <p>The seed system has a queue per SKU. Here the SKUs are hashed over as many queues as the
 * cell's pool has connections, one consumer each: a SKU is always served by one consumer, in order
 * (the hot SKU by one consumer alone, as with a queue per SKU), and the uniform workload's many
 * SKUs do not need a queue each. A cart goes to the queue of its first SKU; its other lines may be
 * changed by other queues' consumers meanwhile, which the conditional UPDATE keeps safe.
 */
final class QueueApproach implements Approach {
  private static final String REPLY_TO = "amq.rabbitmq.reply-to";

  /** Requests a consumer is sent ahead of its acknowledgements; it still takes them in order. */
  private static final int PREFETCH = 64;

  private static final long CONFIRM_TIMEOUT_MILLIS = 30_000;
  private static final long REPLY_TIMEOUT_SECONDS = 30;

  private final QueueOrders orders;
  private final List<String> queues = new ArrayList<>();
  private final ExecutorService consumerThreads;
  private final Connection consumers;
  private final Connection buyers;
  private final ConcurrentLinkedDeque<Buyer> idle = new ConcurrentLinkedDeque<>();
  private final AtomicLong correlation = new AtomicLong();

  /**
   * Declares (and empties) {@code consumerCount} durable queues named {@code <prefix>.<n>} and
   * starts a consumer on each, on its own thread.
   */
  QueueApproach(
      ConnectionFactory factory, String prefix, int consumerCount, DataSource pool, String schema)
      throws IOException, TimeoutException {
    this.orders = new QueueOrders(pool, schema);
    this.consumerThreads =
        Executors.newFixedThreadPool(
            consumerCount,
            r -> {
              Thread t = new Thread(r, "bench-queue-consumer");
              t.setDaemon(true);
              return t;
            });
    Connection consumerConnection = null;
    Connection buyerConnection = null;
    try {
      consumerConnection = factory.newConnection(consumerThreads, "inventory-bench-consumers");
      buyerConnection = factory.newConnection("inventory-bench-buyers");
      for (int i = 0; i < consumerCount; i++) {
        queues.add(consume(consumerConnection, prefix + "." + i));
      }
    } catch (IOException | TimeoutException | RuntimeException e) {
      for (Connection c : new Connection[] {buyerConnection, consumerConnection}) {
        if (c != null) {
          try {
            c.close();
          } catch (IOException | RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
      }
      consumerThreads.shutdown();
      throw e;
    }
    this.consumers = consumerConnection;
    this.buyers = buyerConnection;
  }

  /** Declares and empties a queue, and starts its one consumer: in order, answer, acknowledge. */
  private String consume(Connection connection, String queue) throws IOException {
    Channel channel = connection.createChannel();
    channel.queueDeclare(queue, true, false, false, null);
    channel.queuePurge(queue);
    channel.basicQos(PREFETCH);
    channel.basicConsume(
        queue,
        false,
        (tag, delivery) -> {
          String reply = orders.handle(new String(delivery.getBody(), StandardCharsets.UTF_8));
          AMQP.BasicProperties props =
              new AMQP.BasicProperties.Builder()
                  .correlationId(delivery.getProperties().getCorrelationId())
                  .build();
          channel.basicPublish(
              "",
              delivery.getProperties().getReplyTo(),
              props,
              reply.getBytes(StandardCharsets.UTF_8));
          channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
        },
        tag -> {});
    return queue;
  }

  @Override
  public boolean reserve(Request request) throws Exception {
    return ask(request, QueueOrders.RESERVE);
  }

  @Override
  public void settle(Request request, boolean confirm) throws Exception {
    if (!ask(request, confirm ? QueueOrders.CONFIRM : QueueOrders.RELEASE)) {
      throw new IllegalStateException("order " + request.id() + " is not held");
    }
  }

  /** Publishes a request to its SKU's queue and waits for the consumer's answer. */
  private boolean ask(Request request, String op) throws Exception {
    String queue = queues.get(Math.floorMod(request.skus()[0].hashCode(), queues.size()));
    Buyer buyer = idle.poll();
    if (buyer == null) {
      buyer = new Buyer();
    }
    try {
      String reply = buyer.call(queue, QueueOrders.message(op, request));
      if (reply.startsWith(QueueOrders.FAILED)) {
        throw new IllegalStateException(
            "the consumer failed: " + reply.substring(QueueOrders.FAILED.length()));
      }
      return reply.equals(QueueOrders.DONE);
    } finally {
      idle.push(buyer);
    }
  }

  /**
   * One buyer's channel: publisher confirms on, and the direct reply-to consumer of its answers.
   */
  private final class Buyer {
    private final Channel channel;
    private final BlockingQueue<String> replies = new ArrayBlockingQueue<>(1);
    private volatile String expected;

    Buyer() throws IOException {
      channel = buyers.createChannel();
      channel.confirmSelect();
      channel.basicConsume(
          REPLY_TO,
          true,
          (tag, delivery) -> {
            // An answer that came after its request timed out is not this request's.
            if (delivery.getProperties().getCorrelationId().equals(expected)) {
              replies.offer(new String(delivery.getBody(), StandardCharsets.UTF_8));
            }
          },
          tag -> {});
    }

    String call(String queue, String message) throws Exception {
      String id = Long.toString(correlation.incrementAndGet());
      expected = id;
      replies.clear();
      AMQP.BasicProperties props =
          new AMQP.BasicProperties.Builder()
              .deliveryMode(2) // persistent
              .correlationId(id)
              .replyTo(REPLY_TO)
              .build();
      channel.basicPublish("", queue, props, message.getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MILLIS);
      String reply = replies.poll(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (reply == null) {
        throw new TimeoutException(
            "no answer from " + queue + " in " + REPLY_TIMEOUT_SECONDS + " s");
      }
      return reply;
    }
  }

  /** Closes the buyers' and consumers' connections and deletes the queues. */
  @Override
  public void close() throws IOException {
    buyers.close();
    try (Channel channel = consumers.createChannel()) {
      for (String queue : queues) {
        channel.queueDelete(queue);
      }
    } catch (TimeoutException e) {
      throw new IOException("could not close a channel of " + consumers, e);
    } finally {
      consumers.close();
      consumerThreads.shutdown();
    }
  }
}
