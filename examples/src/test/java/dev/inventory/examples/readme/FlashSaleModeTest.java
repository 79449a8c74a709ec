package dev.inventory.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.inventory.InsufficientStockException;
import dev.inventory.Inventory;
import dev.inventory.ReservationRequest;
import dev.inventory.StockKey;
import dev.inventory.StockLevel;
import dev.inventory.jdbc.JdbcInventory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's flash-sale settings, against a crowd on one SKU and on several. */
@DisplayName("README: flash-sale mode")
class FlashSaleModeTest {
  private static final int BUYERS = 400;
  private static final int THREADS = 32;

  private static ReadmeDatabase db;

  @BeforeAll
  static void createDatabase() {
    db = ReadmeDatabase.create(FlashSaleModeTest.class);
  }

  @AfterAll
  static void dropDatabase() {
    db.close();
  }

  @Test
  @DisplayName("with the README's settings, a crowd on one SKU and on five buys exactly the stock")
  void aCrowdBuysExactlyTheStock() throws Exception {
    try (HikariDataSource dataSource = db.pool(THREADS)) {
      // tag::flash-sale-settings[]
      Inventory inventory =
          JdbcInventory.builder(dataSource)
              .schema("inventory")
              .combining(true) // the default
              .maxInFlight(2) // combined statements in flight per kind (reserve, purchase)
              .maxBatch(64) // requests in one statement
              .maxQueue(10_000) // requests waiting per kind
              .maxWait(Duration.ofSeconds(5)) // a request's wait for its turn
              .build();
      // end::flash-sale-settings[]
      List<StockKey> keys = new ArrayList<>();
      for (int k = 0; k < 5; k++) {
        keys.add(StockKey.of("FLASH-" + k));
        inventory.receive(keys.get(k), 20, "flash sale");
      }
      StockKey hot = StockKey.of("FLASH-HOT");
      inventory.receive(hot, 50, "flash sale");

      int hotSold = crowd(inventory, i -> hot, "hot-");
      int spreadSold = crowd(inventory, i -> keys.get(i % keys.size()), "spread-");

      assertThat(hotSold).isEqualTo(50);
      assertThat(inventory.level(hot)).isEqualTo(new StockLevel(hot, 0, 0));
      assertThat(spreadSold).isEqualTo(100);
      for (StockKey key : keys) {
        assertThat(inventory.level(key)).isEqualTo(new StockLevel(key, 0, 0));
      }
    }
  }

  /** {@value #BUYERS} buyers of one unit each, released at once; how many were sold. */
  private static int crowd(
      Inventory inventory, java.util.function.IntFunction<StockKey> keyOf, String idPrefix)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < BUYERS; i++) {
        int buyer = i;
        answers.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    inventory.purchase(
                        ReservationRequest.builder(idPrefix + buyer)
                            .line(keyOf.apply(buyer), 1)
                            .build());
                    return true;
                  } catch (InsufficientStockException e) {
                    return false;
                  }
                }));
      }
      start.countDown();
      int sold = 0;
      for (Future<Boolean> answer : answers) {
        sold += answer.get(60, TimeUnit.SECONDS) ? 1 : 0;
      }
      return sold;
    } finally {
      pool.shutdownNow();
    }
  }
}
