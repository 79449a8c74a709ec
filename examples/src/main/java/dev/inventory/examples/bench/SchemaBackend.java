package dev.inventory.examples.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import javax.sql.DataSource;

/**
 * The backend of the approaches that keep their stock in PostgreSQL: a schema of the library's own
 * tables ({@link BenchSchemas#create}), the workloads' keys seeded, vacuumed and analyzed before
 * the run; the correctness table reads the stock row.
 */
final class SchemaBackend implements Backend {
  /** How an approach opens on a pool of {@code poolSize} connections, given its schema. */
  @FunctionalInterface
  interface Opener {
    Approach open(DataSource pool, int poolSize, ApproachContext context) throws Exception;
  }

  private final ApproachContext context;
  private final Opener opener;

  private SchemaBackend(ApproachContext context, Opener opener) {
    this.context = context;
    this.opener = opener;
  }

  /** The factory of an approach that runs on its own schema. */
  static Backend.Factory of(Opener opener) {
    return context -> {
      DataSource admin = context.admin();
      BenchSchemas.create(admin, context.schema());
      BenchSchemas.seed(admin, context.schema(), context.keys());
      BenchSchemas.vacuumAnalyze(admin, context.schema());
      return new SchemaBackend(context, opener);
    };
  }

  @Override
  public void seed(List<String> skus, long units) throws Exception {
    BenchSchemas.seed(context.admin(), context.schema(), skus, units);
  }

  @Override
  public long reserved(String sku) throws Exception {
    try (Connection c = context.admin().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT reserved FROM "
                    + context.schema()
                    + ".stock_level WHERE sku = ? AND location = ?")) {
      s.setString(1, sku);
      s.setString(2, Request.LOCATION);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Override
  public Approach open(DataSource pool, int poolSize) throws Exception {
    return opener.open(pool, poolSize, context);
  }
}
