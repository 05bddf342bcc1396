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
   * TF threads (intra-op and inter-op) of every training session this process makes from now
   * on; 0 is TF's default (one per core). A sweep sets it per cell so that N cells at once fit
   * the cores; TF builds its thread pools from the first session's setting, so it belongs before
   * the first training of a process.
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

  private static ConfigProto.Builder withThreads(ConfigProto.Builder b, int n) {
    return n == 0 ? b : b.setIntraOpParallelismThreads(n).setInterOpParallelismThreads(n);
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
