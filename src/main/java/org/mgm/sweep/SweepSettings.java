package org.mgm.sweep;

/**
 * How a table's cells are run.
 *
 * @param engine {@code local} (in this process, one after another) or {@code spark}
 * @param master the Spark master: {@code local[N]} (embedded, no installation) or
 *     {@code spark://HOST:PORT} (a standalone cluster); ignored by the local engine
 * @param cellThreads TF intra-op threads of each cell's sessions (inter-op gets the same); 0 keeps
 *     TF's default. A cell carries it, so that one setting gives the same numbers under every engine
 */
public record SweepSettings(String engine, String master, int cellThreads) {
  public static final String LOCAL = "local";

  public SweepSettings {
    if (cellThreads < 0) {
      throw new IllegalArgumentException("cell threads must be 0 (TF's default) or more, got " + cellThreads);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private String engine = LOCAL;
    private String master = "local[2]";
    private int cellThreads;

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

    public SweepSettings build() {
      return new SweepSettings(engine, master, cellThreads);
    }
  }
}
