package dev.inventory.examples.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Does it oversell? {@code buyers} threads buy one unit at a time from a key with {@code stock}
 * units until they are told it is sold out. Every approach gets the same stock and buyers; a
 * correct one sells exactly the stock, and its stock row agrees.
 */
final class Correctness {
  static final String SKU = "LIMITED";

  /** Longest a buyer keeps buying, whatever happens. */
  private static final long DEADLINE_NANOS = 60_000_000_000L;

  /**
   * @param sold units acknowledged to buyers
   * @param reservedInDb units the stock row says are reserved at the end
   * @param oversold units sold beyond the stock
   * @param lostUpdates acknowledged units the stock row does not count
   */
  record Row(
      String approach,
      long stock,
      int buyers,
      long sold,
      long reservedInDb,
      long oversold,
      long lostUpdates,
      long errors,
      double seconds) {}

  private Correctness() {}

  static List<Row> run(
      Map<String, Approach> approaches,
      DataSource admin,
      BenchSchemas schemas,
      long stock,
      int buyers,
      String idPrefix)
      throws SQLException, InterruptedException {
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, Approach> entry : approaches.entrySet()) {
      String schema = schemas.of(entry.getKey());
      BenchSchemas.seed(admin, schema, List.of(SKU), stock);
      rows.add(buy(entry.getValue(), admin, schema, stock, buyers, idPrefix));
    }
    return rows;
  }

  private static Row buy(
      Approach approach, DataSource admin, String schema, long stock, int buyers, String idPrefix)
      throws SQLException, InterruptedException {
    AtomicLong sold = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int b = 0; b < buyers; b++) {
      String prefix = idPrefix + "oversell-" + approach.name() + "-" + b + "-";
      Thread t =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (long seq = 0; System.nanoTime() - start < DEADLINE_NANOS; seq++) {
                  try {
                    if (!approach.reserve(new Request(prefix + seq, new String[] {SKU}))) {
                      return; // sold out, as far as this buyer is told
                    }
                    sold.incrementAndGet();
                  } catch (Exception e) {
                    if (errors.incrementAndGet() > 1_000) {
                      return;
                    }
                  }
                }
              },
              "buyer-" + approach.name() + "-" + b);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long reserved;
    try (Connection c = admin.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT reserved FROM " + schema + ".stock_level WHERE sku = ? AND location = ?")) {
      s.setString(1, SKU);
      s.setString(2, Request.LOCATION);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        reserved = rs.getLong(1);
      }
    }
    long units = sold.get();
    return new Row(
        approach.name(),
        stock,
        buyers,
        units,
        reserved,
        Math.max(0, units - stock),
        units - reserved,
        errors.get(),
        seconds);
  }
}
