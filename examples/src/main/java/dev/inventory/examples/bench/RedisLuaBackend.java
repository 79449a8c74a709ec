package dev.inventory.examples.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The backend of {@code redis-lua}: the stock as one Redis hash per SKU ({@code available}, {@code
 * held}, {@code sold}) under the keys {@code <schema-prefix>:redis-lua:<sku>}, and the script of
 * {@link RedisLuaApproach}, loaded once. The correctness table reads {@code held}: the counter is
 * the stock. Nothing else is kept: no order, no log, nothing durable.
 */
final class RedisLuaBackend implements Backend {
  /** How to start the Redis the benchmark expects: in memory, nothing written to disk. */
  static final String START =
      "redis-server --daemonize yes --port 6379 --save \"\" --appendonly no";

  /** Keys seeded or deleted per round trip. */
  private static final int BATCH = 10_000;

  private final ApproachContext context;
  private final URI uri;
  private final RedisClient admin;
  private final String prefix;
  private final String script;
  private final List<String> seeded = new ArrayList<>();

  private RedisLuaBackend(ApproachContext context, URI uri, RedisClient admin, String script) {
    this.context = context;
    this.uri = uri;
    this.admin = admin;
    this.prefix = context.plan().schemaPrefix() + ":" + context.name() + ":";
    this.script = script;
  }

  /**
   * Connects, loads the script and seeds the workloads' keys.
   *
   * @throws Unavailable if no Redis answers at {@code --redis-url}
   */
  static Backend open(ApproachContext context) throws Exception {
    URI uri = URI.create(context.plan().redisUrl());
    RedisClient admin = client(uri, 1);
    try {
      admin.ping();
    } catch (JedisException e) {
      admin.close();
      throw new Unavailable(
          "no Redis at "
              + BenchOptions.redacted(context.plan().redisUrl())
              + " (start it with: "
              + START
              + ")",
          e);
    }
    try {
      RedisLuaBackend backend =
          new RedisLuaBackend(context, uri, admin, admin.scriptLoad(RedisLuaApproach.SCRIPT));
      Workload.Keys keys = context.keys();
      List<String> skus = new ArrayList<>();
      skus.add(Workload.HOT_SKU);
      skus.addAll(List.of(keys.uniform));
      skus.addAll(List.of(keys.cart));
      backend.seed(skus, BenchSchemas.ON_HAND);
      return backend;
    } catch (RuntimeException e) {
      admin.close();
      throw e;
    }
  }

  /** A pooled client of at most {@code size} connections. */
  static RedisClient client(URI uri, int size) {
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(size);
    pool.setMaxIdle(size);
    return RedisClient.builder()
        .hostAndPort(JedisURIHelper.getHostAndPort(uri))
        .clientConfig(DefaultJedisClientConfig.builder(uri).build())
        .poolConfig(pool)
        .build();
  }

  @Override
  public void seed(List<String> skus, long units) {
    Map<String, String> fresh = Map.of("available", Long.toString(units), "held", "0", "sold", "0");
    for (int from = 0; from < skus.size(); from += BATCH) {
      try (Pipeline p = admin.pipelined()) {
        for (String sku : skus.subList(from, Math.min(from + BATCH, skus.size()))) {
          p.hset(prefix + sku, fresh);
        }
        p.sync();
      }
    }
    seeded.addAll(skus);
  }

  @Override
  public long reserved(String sku) {
    String held = admin.hget(prefix + sku, "held");
    return held == null ? 0 : Long.parseLong(held);
  }

  /** The approach on a Redis pool as large as the JDBC pool (which it does not use). */
  @Override
  public Approach open(DataSource pool, int poolSize) {
    return new RedisLuaApproach(client(uri, poolSize), script, prefix);
  }

  /** Deletes the run's keys unless {@code --keep}, and disconnects. */
  @Override
  public void close() {
    try {
      if (!context.plan().keepSchemas()) {
        for (int from = 0; from < seeded.size(); from += BATCH) {
          List<String> keys = new ArrayList<>();
          for (String sku : seeded.subList(from, Math.min(from + BATCH, seeded.size()))) {
            keys.add(prefix + sku);
          }
          admin.del(keys.toArray(new String[0]));
        }
      }
    } finally {
      admin.close();
    }
  }
}
