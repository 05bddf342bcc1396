package org.mgm.runtime;

import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.proto.RewriterConfig;

/** TF sessions configured for this toolkit's graphs. */
public final class Sessions {
  private static volatile SessionSettings settings = SessionSettings.DEFAULT;

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
    use(settings.toBuilder().threads(n).build());
  }

  /**
   * The settings of every session this process makes from now on (threads, XLA), checked here:
   * a command sets them before its first TF work, for the reason {@link #useThreads} gives.
   */
  public static void use(SessionSettings s) {
    XlaJit.check(s);
    settings = s;
  }

  public static SessionSettings settings() {
    return settings;
  }

  /** A session for training, with the process's settings. */
  public static Session create(Graph graph) {
    SessionSettings s = settings;
    if (!s.xla()) {
      return plain(graph);
    }
    return new Session(graph, withThreads(ConfigProto.newBuilder(), s.threads())
        .setGraphOptions(GraphOptions.newBuilder().setOptimizerOptions(jit())).build());
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

  /**
   * A session for anything else (summaries, constant folding, checks), with the same threads and
   * never XLA: compiling what runs once costs more than it saves.
   */
  public static Session plain(Graph graph) {
    return settings.threads() == 0 ? new Session(graph) : new Session(graph, config());
  }

  /** The session options of this process's thread setting, for loaders that take them (SavedModel). */
  public static ConfigProto config() {
    return withThreads(ConfigProto.newBuilder(), settings.threads()).build();
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
    SessionSettings s = settings;
    GraphOptions.Builder graphOptions = GraphOptions.newBuilder()
        .setRewriteOptions(RewriterConfig.newBuilder().setDisableMetaOptimizer(true));
    if (s.xla()) {
      // XLA's clustering is a graph pass of its own, not one of Grappler's: it runs here too.
      graphOptions.setOptimizerOptions(jit());
    }
    return new Session(graph, withThreads(ConfigProto.newBuilder(), s.threads()).setGraphOptions(graphOptions).build());
  }

  private static OptimizerOptions.Builder jit() {
    return OptimizerOptions.newBuilder().setGlobalJitLevel(OptimizerOptions.GlobalJitLevel.ON_1);
  }
}
