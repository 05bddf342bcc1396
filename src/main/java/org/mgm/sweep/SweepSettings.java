package org.mgm.sweep;

/**
 * How a table's cells are run.
 *
 * @param engine {@code local} (in this process, one after another) or {@code spark}
 * @param master the Spark master: {@code local[N]} (embedded, no installation) or
 *     {@code spark://HOST:PORT} (a standalone cluster); ignored by the local engine
 * @param cellThreads TF intra-op threads of each cell's sessions (inter-op gets the same); 0 keeps
 *     TF's default. A cell carries it, so that one setting gives the same numbers under every engine
 * @param executorWaitSeconds how long a cluster engine waits for its first executor before it gives
 *     the table up (0: for ever, as on a busy shared cluster); an executor that cannot start at
 *     all (a class path the workers cannot read) is otherwise retried without end
 */
public record SweepSettings(String engine, String master, int cellThreads, int executorWaitSeconds) {
  public static final String LOCAL = "local";

  public SweepSettings {
    if (cellThreads < 0) {
      throw new IllegalArgumentException("cell threads must be 0 (TF's default) or more, got " + cellThreads);
    }
    if (executorWaitSeconds < 0) {
      throw new IllegalArgumentException("executor wait must be 0 (for ever) or more seconds, got " + executorWaitSeconds);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private String engine = LOCAL;
    private String master = "local[2]";
    private int cellThreads;
    private int executorWaitSeconds = 120;

    public Builder engine(String v) {
      engine = v;
      return this;
    }

    public Builder master(String v) {
      master = v;
      return this;
    }

    public Builder cellThreads(int v) {
      cellThreads = v;
      return this;
    }

    public Builder executorWaitSeconds(int v) {
      executorWaitSeconds = v;
      return this;
    }

    public SweepSettings build() {
      return new SweepSettings(engine, master, cellThreads, executorWaitSeconds);
    }
  }
}
