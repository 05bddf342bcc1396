package org.mgm.runtime;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Progress of a long loop: a live bar on a terminal; elsewhere (CI, files) a log line every 10 %,
 * so logs stay short and readable.
 */
public final class Progress implements AutoCloseable {
  private static final Logger LOG = LogManager.getLogger(Progress.class);
  private final ProgressBar bar;
  private final String task;
  private final long total;
  private long done;
  private long nextReport;
  private String extra = "";
  private final long startNanos = System.nanoTime();

  private Progress(String task, long total, ProgressBar bar) {
    this.task = task;
    this.total = total;
    this.bar = bar;
    this.nextReport = Math.max(1, total / 10);
  }

  public static Progress start(String task, long total) {
    return start(task, total, 0);
  }

  /** A loop resumed after {@code done} of its {@code total} steps. */
  public static Progress start(String task, long total, long done) {
    ProgressBar bar = System.console() == null ? null
        : new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(500).startsFrom(done, java.time.Duration.ZERO).build();
    Progress p = new Progress(task, total, bar);
    p.done = done;
    long tenth = Math.max(1, total / 10);
    p.nextReport = (done / tenth + 1) * tenth;
    return p;
  }

  public void step() {
    done++;
    if (bar != null) {
      bar.step();
    } else if (done >= nextReport || done == total) {
      double secs = (System.nanoTime() - startNanos) / 1e9;
      LOG.info(String.format(java.util.Locale.ROOT, "%s: %d/%d (%.0f%%) %.0fs %s", task, done, total,
          100.0 * done / total, secs, extra));
      nextReport += Math.max(1, total / 10);
    }
  }

  public void setExtra(String text) {
    extra = text;
    if (bar != null) {
      bar.setExtraMessage(" " + text);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
