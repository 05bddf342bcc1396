package org.mgm.runtime;

import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;

/** TF sessions configured for this toolkit's graphs. */
public final class Sessions {
  private Sessions() {}

  /**
   * A session without Grappler's graph rewriting. Imported StyleGAN2 graphs have thousands of
   * small shape nodes; Grappler re-optimises the whole reachable graph for every new combination
   * of fetches and targets, which dominated few-shot setup (minutes for a 16×16 model), while
   * the import has already folded the constants that Grappler would fold.
   */
  public static Session unoptimized(Graph graph) {
    ConfigProto config = ConfigProto.newBuilder()
        .setGraphOptions(GraphOptions.newBuilder()
            .setRewriteOptions(RewriterConfig.newBuilder().setDisableMetaOptimizer(true)))
        .build();
    return new Session(graph, config);
  }
}
