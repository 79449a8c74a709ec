package dev.inventory.examples.bench;

import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.RedisClient;

/**
 * {@code redis-lua}, the peer a shop may put in front of its database for a flash sale: the stock
 * as counters in Redis, one Lua script (loaded once, run by EVALSHA) per operation. A script runs
 * alone on the server, so its check and its decrement are one step, as the conditional UPDATE's
 * are.
 *
 * <p>Reserve checks every line's {@code available} and, if all have the units, moves them to {@code
 * held}. Confirm moves them from {@code held} to {@code sold}; release puts them back into {@code
 * available}. In memory only: no order (Redis does not know who holds what; a request names its
 * SKUs again to settle), no log, and nothing durable (the benchmark's Redis saves nothing; a
 * restart loses every hold and sale).
 */
final class RedisLuaApproach implements Approach {
  /** KEYS: the request's SKUs (one hash each); ARGV: the operation, the units per line. */
  static final String SCRIPT =
      """
      local n = tonumber(ARGV[2])
      if ARGV[1] == 'reserve' then
        -- every line or none: check them all, then take them all
        for i = 1, #KEYS do
          local available = tonumber(redis.call('HGET', KEYS[i], 'available'))
          if available == nil or available < n then
            return 0
          end
        end
        for i = 1, #KEYS do
          redis.call('HINCRBY', KEYS[i], 'available', -n)
          redis.call('HINCRBY', KEYS[i], 'held', n)
        end
        return 1
      end
      -- confirm or release: the held units go to sold, or back to available
      for i = 1, #KEYS do
        local held = tonumber(redis.call('HGET', KEYS[i], 'held'))
        if held == nil or held < n then
          return redis.error_reply('fewer than ' .. n .. ' held on ' .. KEYS[i])
        end
      end
      local to = ARGV[1] == 'confirm' and 'sold' or 'available'
      for i = 1, #KEYS do
        redis.call('HINCRBY', KEYS[i], 'held', -n)
        redis.call('HINCRBY', KEYS[i], to, n)
      end
      return 1
      """;

  private static final String UNITS = Long.toString(Request.QUANTITY);

  private final RedisClient redis;
  private final String sha;
  private final String prefix;

  RedisLuaApproach(RedisClient redis, String sha, String prefix) {
    this.redis = redis;
    this.sha = sha;
    this.prefix = prefix;
  }

  @Override
  public boolean reserve(Request request) {
    return Long.valueOf(1).equals(run(request, "reserve"));
  }

  @Override
  public void settle(Request request, boolean confirm) {
    run(request, confirm ? "confirm" : "release");
  }

  private Object run(Request request, String op) {
    List<String> keys = new ArrayList<>(request.skus().length);
    for (String sku : request.skus()) {
      keys.add(prefix + sku);
    }
    return redis.evalsha(sha, keys, List.of(op, UNITS));
  }

  @Override
  public void close() {
    redis.close();
  }
}
