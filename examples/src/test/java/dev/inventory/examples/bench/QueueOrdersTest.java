package dev.inventory.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The queue's consumer runs a message that PostgreSQL undid as a deadlock's victim again, as a
 * shop's consumer would, a bounded number of times, and no other failure. The database is a fake
 * that fails each borrow with the SQLSTATEs given, in turn: what is under test is the consumer's
 * retrying, not its SQL (BenchPeersTest runs that against RabbitMQ and PostgreSQL).
 */
class QueueOrdersTest {
  private static final String DEADLOCK = "40P01";

  /** A pool whose every borrow fails with the next SQLSTATE, the last one again once used up. */
  private static final class FailingPool {
    private final Deque<String> states;
    int borrows;

    FailingPool(String... states) {
      this.states = new ArrayDeque<>(List.of(states));
    }

    DataSource dataSource() {
      return (DataSource)
          Proxy.newProxyInstance(
              DataSource.class.getClassLoader(),
              new Class<?>[] {DataSource.class},
              (proxy, method, args) -> {
                if (!method.getName().equals("getConnection")) {
                  throw new UnsupportedOperationException(method.getName());
                }
                borrows++;
                String state = states.size() > 1 ? states.poll() : states.peek();
                throw new SQLException("failed with " + state, state);
              });
    }
  }

  private static String settle(FailingPool pool) {
    QueueOrders orders = new QueueOrders(pool.dataSource(), "queue_orders_test");
    return orders.handle(
        QueueOrders.message(QueueOrders.CONFIRM, new Request("order-1", new String[] {"A", "B"})));
  }

  @Test
  void aDeadlockedMessageRunsAgainUpToThreeTimesThenFails() {
    FailingPool pool = new FailingPool(DEADLOCK);

    assertThat(settle(pool)).isEqualTo(QueueOrders.FAILED + "failed with " + DEADLOCK);
    assertThat(pool.borrows).isEqualTo(3);
  }

  @Test
  void theAttemptAfterADeadlockGivesTheAnswer() {
    FailingPool pool = new FailingPool(DEADLOCK, "08006");

    assertThat(settle(pool)).isEqualTo(QueueOrders.FAILED + "failed with 08006");
    assertThat(pool.borrows).isEqualTo(2);
  }

  @Test
  void anyOtherFailureIsAnsweredAtOnce() {
    FailingPool pool = new FailingPool("23505");

    assertThat(settle(pool)).isEqualTo(QueueOrders.FAILED + "failed with 23505");
    assertThat(pool.borrows).isEqualTo(1);
  }
}
