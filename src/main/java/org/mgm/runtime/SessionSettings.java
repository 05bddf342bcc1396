package org.mgm.runtime;

/**
 * How the toolkit's TF sessions run, one setting for every session a command makes.
 *
 * @param threads TF intra-op threads (inter-op gets the same); 0 keeps TF's default, one per core
 * @param xla compile the graph's clusters with XLA (TF's JIT, {@code global_jit_level ON_1}).
 *     Off by default: it changes rounding (XLA's CPU kernels are not oneDNN's), it compiles
 *     again for every new set of shapes and fetches, and it needs {@link XlaJit#cpuAllowed()}.
 *     On the full-size CycleGAN generator it roughly halved forward and forward+backward
 *     (docs/results/benchmarks.md)
 */
public record SessionSettings(int threads, boolean xla) {
  public static final SessionSettings DEFAULT = builder().build();

  public SessionSettings {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be 0 (TF's default) or more, got " + threads);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().threads(threads).xla(xla);
  }

  /** For benchmark output: what the sessions ran with. */
  public String describe() {
    return "threads " + (threads == 0 ? "TF default (" + Runtime.getRuntime().availableProcessors() + ")" : threads)
        + ", XLA " + (xla ? "on" : "off");
  }

  public static final class Builder {
    private int threads;
    private boolean xla;

    public Builder threads(int v) {
      threads = v;
      return this;
    }

    public Builder xla(boolean v) {
      xla = v;
      return this;
    }

    public SessionSettings build() {
      return new SessionSettings(threads, xla);
    }
  }
}
