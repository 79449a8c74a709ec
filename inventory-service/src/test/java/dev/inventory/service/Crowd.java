package dev.inventory.service;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Buyers over HTTP: each sends its request, and sends it again (same Idempotency-Key) until it gets
 * an answer: on a connection that failed (the service is down or restarting), a 409 of a request
 * still in progress, or a 503. All start at the same instant, on a fixed number of client threads;
 * the run is bounded in time.
 */
final class Crowd {
  /** What a buyer was finally told, how long the answered attempt took, and how many it took. */
  record Outcome(int buyer, Http.Response response, long nanos, int attempts) {}

  /** What the crowd was told, and the figures of the run. */
  record Result(
      List<Outcome> outcomes,
      long wallNanos,
      int connectionFailures,
      int retried503,
      Map<Integer, Integer> statuses) {

    int count(int status) {
      return statuses.getOrDefault(status, 0);
    }

    double requestsPerSecond() {
      return outcomes.size() / (wallNanos / 1e9);
    }

    double percentileMillis(double p) {
      List<Long> sorted = new ArrayList<>(outcomes.stream().map(Outcome::nanos).toList());
      Collections.sort(sorted);
      int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
      return sorted.get(Math.max(0, index)) / 1e6;
    }
  }

  private final Http http;
  private final int threads;
  private final Duration deadline;
  private final AtomicInteger answered = new AtomicInteger();

  Crowd(Http http, int threads, Duration deadline) {
    this.http = http;
    this.threads = threads;
    this.deadline = deadline;
  }

  /** How many buyers have their answer so far. */
  int answered() {
    return answered.get();
  }

  Result run(int buyers, IntFunction<HttpRequest> request) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger connectionFailures = new AtomicInteger();
    AtomicInteger retried503 = new AtomicInteger();
    AtomicLong firstStart = new AtomicLong();
    Map<Integer, Outcome> outcomes = new ConcurrentHashMap<>();
    long end = System.nanoTime() + deadline.toNanos();
    for (int t = 0; t < threads; t++) {
      pool.execute(
          () -> {
            try {
              start.await();
            } catch (InterruptedException e) {
              return;
            }
            int buyer;
            while ((buyer = next.getAndIncrement()) < buyers && System.nanoTime() < end) {
              HttpRequest sent = request.apply(buyer);
              int attempts = 0;
              while (System.nanoTime() < end) {
                attempts++;
                long began = System.nanoTime();
                try {
                  Http.Response response = http.trySend(sent);
                  long took = System.nanoTime() - began;
                  if (response.status() == 503) {
                    retried503.incrementAndGet();
                    Thread.sleep(50);
                    continue;
                  }
                  outcomes.put(buyer, new Outcome(buyer, response, took, attempts));
                  answered.incrementAndGet();
                  break;
                } catch (IOException e) {
                  connectionFailures.incrementAndGet();
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException interrupted) {
                    return;
                  }
                } catch (InterruptedException e) {
                  return;
                }
              }
            }
          });
    }
    firstStart.set(System.nanoTime());
    start.countDown();
    pool.shutdown();
    if (!pool.awaitTermination(deadline.toSeconds() + 30, TimeUnit.SECONDS)) {
      pool.shutdownNow();
    }
    long wall = System.nanoTime() - firstStart.get();
    Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    outcomes.values().forEach(o -> statuses.merge(o.response().status(), 1, Integer::sum));
    return new Result(
        List.copyOf(outcomes.values()),
        wall,
        connectionFailures.get(),
        retried503.get(),
        Map.copyOf(statuses));
  }
}
