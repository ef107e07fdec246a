package io.longctx.jobs.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A console progress line with rate and ETA, written to stderr so stdout stays machine-readable. On a terminal
 * it redraws one line; otherwise (logs of a scheduled job) it prints a line at most every
 * {@code minIntervalMillis}, plus the final one.
 */
public final class ProgressBar {
  private final String label;
  private final long total;
  private final PrintStream out;
  private final LongSupplier clock;
  private final boolean redraw;
  private final long minIntervalMillis;
  private final long start;
  private long done;
  private long lastPrint = Long.MIN_VALUE;

  public ProgressBar(String label, long total) {
    this(label, total, System.err, System::currentTimeMillis, System.console() != null, 10_000);
  }

  ProgressBar(String label, long total, PrintStream out, LongSupplier clock, boolean redraw, long minIntervalMillis) {
    this.label = label;
    this.total = Math.max(0, total);
    this.out = out;
    this.clock = clock;
    this.redraw = redraw;
    this.minIntervalMillis = minIntervalMillis;
    this.start = clock.getAsLong();
  }

  /** Records {@code n} more units done and prints if due. */
  public synchronized void advance(long n) {
    done = Math.min(total, done + n);
    long now = clock.getAsLong();
    if (done == total || redraw || lastPrint == Long.MIN_VALUE || now - lastPrint >= minIntervalMillis) {
      lastPrint = now;
      out.print((redraw ? "\r" : "") + render(now) + (redraw && done < total ? "" : "\n"));
      out.flush();
    }
  }

  /** The progress line at time {@code now}: label, bar, count, percent, rate, elapsed and ETA. */
  synchronized String render(long now) {
    double frac = total == 0 ? 1.0 : (double) done / total;
    int width = 24;
    int filled = (int) Math.round(frac * width);
    double elapsedS = Math.max(1e-3, (now - start) / 1000.0);
    double rate = done / elapsedS;
    String eta = done == 0 ? "?" : fmt(Duration.ofMillis((long) ((total - done) / rate * 1000)));
    return String.format(
        "%s [%s%s] %d/%d %3.0f%% %.2f/s elapsed %s eta %s",
        label, "#".repeat(filled), ".".repeat(width - filled), done, total, frac * 100, rate,
        fmt(Duration.ofMillis(now - start)), eta);
  }

  static String fmt(Duration d) {
    long s = d.toSeconds();
    return s >= 3600
        ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
        : String.format("%dm%02ds", s / 60, s % 60);
  }
}
