package dev.inventory.examples;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A one-line progress bar redrawn in place ({@code \r}) every 100 ms, for a terminal only: piped or
 * captured output never sees it.
 */
final class ProgressBar implements FlashSale.Progress {
  private static final int WIDTH = 30;

  private final PrintWriter out;
  private final String label;
  private Thread drawer;
  private volatile boolean finished;
  private int lastLength;

  ProgressBar(PrintWriter out, String label) {
    this.out = out;
    this.label = label;
  }

  @Override
  public void start(int total, AtomicInteger done) {
    drawer =
        new Thread(
            () -> {
              while (!finished) {
                draw(done.get(), total);
                try {
                  TimeUnit.MILLISECONDS.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "progress-bar");
    drawer.setDaemon(true);
    drawer.start();
  }

  @Override
  public void finish() {
    finished = true;
    try {
      drawer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      out.print("\r" + " ".repeat(lastLength) + "\r");
      out.flush();
    }
  }

  private synchronized void draw(int done, int total) {
    int filled = (int) ((long) WIDTH * done / total);
    String bar =
        "="
            .repeat(filled)
            .concat(filled < WIDTH ? ">" : "")
            .concat(" ".repeat(Math.max(0, WIDTH - filled - 1)));
    String line =
        String.format(
            "  %-8s [%s] %s / %s buyers",
            label, bar, FlashSale.count(done), FlashSale.count(total));
    out.print("\r" + line);
    out.flush();
    lastLength = Math.max(lastLength, line.length());
  }
}
