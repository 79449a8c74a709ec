package dev.inventory.examples.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The backend of the approaches that keep their stock in PostgreSQL: a schema of the library's own
 * tables ({@link BenchSchemas#create}), the workloads' keys seeded, vacuumed and analyzed before
 * the run; the correctness table reads the stock row. {@link #inCatalog} also puts every seeded key
 * in the schema's catalog and switches its known-keys guard on; {@link #withLimits} puts every
 * seeded key in the catalog with a per-buyer limit, the guard off.
 */
final class SchemaBackend implements Backend {
  /** How an approach opens on a pool of {@code poolSize} connections, given its schema. */
  @FunctionalInterface
  interface Opener {
    Approach open(DataSource pool, int poolSize, ApproachContext context) throws Exception;
  }

  private final ApproachContext context;
  private final Opener opener;
  private final boolean cataloged;
  private final @Nullable Long limit;

  private SchemaBackend(
      ApproachContext context, Opener opener, boolean cataloged, @Nullable Long limit) {
    this.context = context;
    this.opener = opener;
    this.cataloged = cataloged;
    this.limit = limit;
  }

  /** The factory of an approach that runs on its own schema. */
  static Backend.Factory of(Opener opener) {
    return factory(opener, false, null);
  }

  /** The factory of an approach whose keys are all in the catalog with this per-buyer limit. */
  static Backend.Factory withLimits(long limit, Opener opener) {
    return factory(opener, false, limit);
  }

  /**
   * The factory of an approach that runs on its own schema in known-keys mode: its guard on, and
   * every key it seeds put in the catalog first (the guard refuses stock of any other key).
   */
  static Backend.Factory inCatalog(Opener opener) {
    return factory(opener, true, null);
  }

  private static Backend.Factory factory(Opener opener, boolean cataloged, @Nullable Long limit) {
    return context -> {
      DataSource admin = context.admin();
      BenchSchemas.create(admin, context.schema());
      SchemaBackend backend = new SchemaBackend(context, opener, cataloged, limit);
      if (cataloged) {
        BenchSchemas.guard(admin, context.schema());
      }
      List<String> skus = BenchSchemas.skus(context.keys());
      backend.seed(skus, BenchSchemas.ON_HAND);
      BenchSchemas.vacuumAnalyze(admin, context.schema());
      return backend;
    };
  }

  @Override
  public void seed(List<String> skus, long units) throws Exception {
    if (cataloged || limit != null) {
      BenchSchemas.catalog(context.admin(), context.schema(), skus, limit);
    }
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
