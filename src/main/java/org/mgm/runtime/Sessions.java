package org.mgm.runtime;

import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;

/** TF sessions configured for this toolkit's graphs. */
public final class Sessions {
  private static volatile int threads;

  private Sessions() {}

  /**
   * TF threads (intra-op and inter-op) of every session this process makes from now on; 0 is
   * TF's default (one per core). A sweep sets it per cell so that N cells at once fit the cores.
   * TF sizes its process-wide intra-op pool from the first session it creates, whatever made
   * it (a SavedModel load, a TensorBoard writer), so a command sets this before any TF work and
   * every session of the toolkit is made here; with a setting, each session also gets an
   * inter-op pool of its own, so that two cells in one process do not queue on one thread.
   */
  public static void useThreads(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("threads must be 0 (TF's default) or more, got " + n);
    }
    threads = n;
  }

  /** A session for training, with the process's thread setting. */
  public static Session create(Graph graph) {
    int n = threads;
    return n == 0 ? new Session(graph) : new Session(graph, withThreads(ConfigProto.newBuilder(), n).build());
  }

  /**
   * What every session of the toolkit runs before its first step: the graph's init ops (the
   * initial values of variables) and the frozen weights its imports hold (see
   * {@link org.mgm.model.FrozenWeights}).
   */
  public static void initialize(Session session) {
    session.initialize();
    org.mgm.model.FrozenWeights.of(session.graph()).load(session);
  }

  /** A session for anything else (summaries, constant folding, checks), with the same threads. */
  public static Session plain(Graph graph) {
    return create(graph);
  }

  /** The session options of this process's thread setting, for loaders that take them (SavedModel). */
  public static ConfigProto config() {
    return withThreads(ConfigProto.newBuilder(), threads).build();
  }

  private static ConfigProto.Builder withThreads(ConfigProto.Builder b, int n) {
    return n == 0 ? b
        : b.setIntraOpParallelismThreads(n).setInterOpParallelismThreads(n).setUsePerSessionThreads(true);
  }

  /**
   * A session without Grappler's graph rewriting. Imported StyleGAN2 graphs have thousands of
   * small shape nodes; Grappler re-optimises the whole reachable graph for every new combination
   * of fetches and targets, which dominated few-shot setup (minutes for a 16×16 model), while
   * the import has already folded the constants that Grappler would fold.
   */
  public static Session unoptimized(Graph graph) {
    ConfigProto config = withThreads(ConfigProto.newBuilder(), threads)
        .setGraphOptions(GraphOptions.newBuilder()
            .setRewriteOptions(RewriterConfig.newBuilder().setDisableMetaOptimizer(true)))
        .build();
    return new Session(graph, config);
  }
}
