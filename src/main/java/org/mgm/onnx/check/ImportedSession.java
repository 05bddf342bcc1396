package org.mgm.onnx.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.ImportedGraph;
import org.mgm.onnx.importer.OnnxImporter;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;

/**
 * An ONNX model imported alone into its own TF graph and session: inference and
 * "vector-Jacobian products" (gradients of sum(output · v)) with host tensors in and out. This is
 * what `mgm infer` and `mgm gradcheck` run; training code imports into a shared graph instead.
 */
public final class ImportedSession implements AutoCloseable {
  private static final AtomicInteger GRADIENT_PREFIX = new AtomicInteger();

  private final Graph graph = new Graph();
  private final Session session;
  private final ImportedGraph imported;
  private final ImportOptions options;
  /** Bitcasts made by {@link #fetchable}, once per fetched output. */
  private final Map<Output<?>, Output<?>> fetchAs = new java.util.HashMap<>();

  /** Imports a model into the session's graph: ONNX, or any format with the same options and result. */
  @FunctionalInterface
  public interface Importer {
    ImportedGraph importInto(Graph graph, ImportOptions options);
  }

  public ImportedSession(ModelProto model, ImportOptions options, String source) {
    this((g, o) -> new OnnxImporter().importModel(g, model, o, source), options);
  }

  public ImportedSession(Importer importer, ImportOptions options) {
    this.options = options;
    try {
      this.imported = importer.importInto(graph, options);
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
    // Without Grappler, as training sessions run. On the full-size CycleGAN generator (channels-
    // last) that is as fast, the first forward+backward takes 2.1 s instead of 4.0 s, and the
    // peak is 853 instead of 868 MB (1,129 instead of 1,630 MB while weights were constants,
    // which Grappler's passes copy). Native NCHW is the exception: without Grappler its first
    // forward did not finish in 120 s.
    this.session = options.convLayout() == org.mgm.onnx.importer.ConvLayout.NATIVE_NCHW
        ? org.mgm.runtime.Sessions.plain(graph) : org.mgm.runtime.Sessions.unoptimized(graph);
    org.mgm.runtime.Sessions.initialize(session);
  }

  public ImportedGraph imported() {
    return imported;
  }

  public Graph graph() {
    return graph;
  }

  public Session session() {
    return session;
  }

  /** Runs the graph; {@code feeds} maps unbound input names (and FED initializer names) to values. */
  public Map<String, HostTensor> run(Map<String, HostTensor> feeds, List<Output<?>> fetches, List<String> names) {
    return run(feeds, Map.of(), fetches, names);
  }

  private Map<String, HostTensor> run(Map<String, HostTensor> feeds, Map<Output<?>, HostTensor> extra,
      List<Output<?>> fetches, List<String> names) {
    List<Tensor> owned = new ArrayList<>();
    try {
      Session.Runner runner = fed(feeds, extra, owned);
      for (Output<?> f : fetches) {
        runner.fetch(fetchable(f));
      }
      Map<String, HostTensor> out = new LinkedHashMap<>();
      try (Result r = runner.run()) {
        for (int i = 0; i < fetches.size(); i++) {
          ElementType declared = ElementType.fromTf(fetches.get(i).dataType());
          out.put(names.get(i), declared == null ? HostTensor.fromTf(r.get(i)) : HostTensor.fromTf(r.get(i), declared));
        }
      }
      return out;
    } finally {
      owned.forEach(Tensor::close);
    }
  }

  /** A runner with the inputs, FED initializers and {@code extra} fed; the tensors made go to {@code owned}. */
  private Session.Runner fed(Map<String, HostTensor> feeds, Map<Output<?>, HostTensor> extra, List<Tensor> owned) {
    Session.Runner runner = session.runner();
    for (Map.Entry<Output<?>, HostTensor> e : extra.entrySet()) {
      Tensor t = toGraphType(e.getValue(), e.getKey()).toTf();
      owned.add(t);
      runner.feed(e.getKey(), t);
    }
    for (Map.Entry<String, Output<?>> in : imported.inputs().entrySet()) {
      HostTensor v = feeds.get(in.getKey());
      if (v == null) {
        throw new OnnxFormatException("no value given for input '" + in.getKey() + "'; inputs are "
            + imported.inputs().keySet());
      }
      Tensor t = toGraphType(v, in.getValue()).toTf();
      owned.add(t);
      runner.feed(in.getValue(), t);
    }
    for (Map.Entry<String, Output<?>> p : imported.fed().entrySet()) {
      HostTensor v = feeds.getOrDefault(p.getKey(), imported.fedValues().get(p.getKey()));
      Tensor t = toGraphType(v, p.getValue()).toTf();
      owned.add(t);
      runner.feed(p.getValue(), t);
    }
    return runner;
  }

  /**
   * One traced run of {@link #runVectorJacobian}: TF's step stats, for finding where the time
   * and the memory of forward + backward go.
   */
  public StepStatsSummary traceVectorJacobian(VectorJacobian vj, Map<String, HostTensor> feeds, HostTensor v) {
    List<Tensor> owned = new ArrayList<>();
    try {
      Session.Runner runner = fed(feeds, Map.of(vj.cotangent(), v), owned);
      for (Output<?> g : vj.gradients()) {
        runner.fetch(g);
      }
      return StepStatsSummary.trace(runner);
    } finally {
      owned.forEach(Tensor::close);
    }
  }

  /** All selected outputs for the given inputs. */
  public Map<String, HostTensor> infer(Map<String, HostTensor> feeds) {
    return run(feeds, new ArrayList<>(imported.outputs().values()), new ArrayList<>(imported.outputs().keySet()));
  }

  /**
   * Symbolic gradients of sum(output · v) with respect to the given placeholders (inputs or FED
   * initializers), built once per call; returns the ops so the caller can run them repeatedly.
   */
  public VectorJacobian vectorJacobian(String output, List<String> wrtNames) {
    return vectorJacobian(imported.output(output), wrtNames);
  }

  /** As {@link #vectorJacobian(String, List)} for any output of the graph (e.g. a penalty). */
  public VectorJacobian vectorJacobian(Output<?> y, List<String> wrtNames) {
    Output<?> v = placeholderLike(y);
    Output<?> loss = graph.opBuilder("Sum", unique("vjp_loss"), graph.baseScope())
        .addInput(graph.opBuilder("Mul", unique("vjp_mul"), graph.baseScope())
            .addInput(y).addInput(v).build().output(0))
        .addInput(allAxes(y))
        .build().output(0);
    Output<?>[] xs = new Output<?>[wrtNames.size()];
    for (int i = 0; i < xs.length; i++) {
      String n = wrtNames.get(i);
      xs[i] = imported.inputs().containsKey(n) ? imported.inputs().get(n) : imported.fed().get(n);
      if (xs[i] == null) {
        throw new OnnxFormatException("cannot differentiate with respect to '" + n
            + "': not an input or a fed initializer");
      }
    }
    Output<?> seed = constantLike(loss, 1.0);
    // addGradients rejects an x the loss does not depend on; those get zeros.
    java.util.Set<String> upstream = new java.util.HashSet<>();
    org.mgm.model.Gradients.upstream(loss).forEach(op -> upstream.add(op.name()));
    List<Output<?>> reachable = new ArrayList<>();
    for (Output<?> x : xs) {
      if (upstream.contains(x.op().name())) {
        reachable.add(x);
      }
    }
    Output<?>[] partial = reachable.isEmpty() ? new Output<?>[0]
        : org.mgm.model.Gradients.add(graph, unique("vjp"), loss, reachable.toArray(new Output<?>[0]),
            new Output<?>[] {seed});
    Output<?>[] grads = new Output<?>[xs.length];
    for (int i = 0, k = 0; i < xs.length; i++) {
      grads[i] = upstream.contains(xs[i].op().name()) ? realOrZeros(partial[k++], xs[i]) : zerosLike(xs[i]);
    }
    return new VectorJacobian(v, loss, grads, wrtNames);
  }

  /** d sum(output · v) / d wrt, for each name of {@code vj.wrt()}, plus "loss". */
  public Map<String, HostTensor> runVectorJacobian(VectorJacobian vj, Map<String, HostTensor> feeds, HostTensor v) {
    List<Output<?>> fetches = new ArrayList<>(List.of(vj.gradients()));
    List<String> names = new ArrayList<>(vj.wrt());
    fetches.add(vj.loss());
    names.add("loss");
    return run(feeds, Map.of(vj.cotangent(), v), fetches, names);
  }

  /** sum(output · v) alone, for finite differences. */
  public double loss(VectorJacobian vj, Map<String, HostTensor> feeds, HostTensor v) {
    return run(feeds, Map.of(vj.cotangent(), v), List.of(vj.loss()), List.of("loss")).get("loss").toDoubles()[0];
  }

  /**
   * TF hands back a dangling output when only "no gradient" reaches x (x unused, or used only in
   * static arguments); zeros say the same and can be fetched.
   */
  private Output<?> realOrZeros(Output<?> dx, Output<?> x) {
    try {
      dx.op().name();
      return dx;
    } catch (IllegalStateException | NullPointerException dangling) {
      return zerosLike(x);
    }
  }

  private Output<?> zerosLike(Output<?> x) {
    return graph.opBuilder("ZerosLike", unique("vjp_zeros"), graph.baseScope())
        .addInput(x).build().output(0);
  }

  /**
   * The R1-style penalty sum((∂ sum(output) / ∂ input)²), a scalar whose gradient w.r.t. the
   * parameters is a second-order gradient of the imported graph. Import with
   * {@code twiceDifferentiable} so that Relu and Tanh have second derivatives.
   */
  public Output<?> inputGradientPenalty(String output, String input) {
    Output<?> y = imported.output(output);
    Output<?> sum = graph.opBuilder("Sum", unique("r1_sum"), graph.baseScope()).addInput(y).addInput(allAxes(y))
        .build().output(0);
    Output<?> g = org.mgm.model.Gradients.add(graph, unique("r1"), sum, new Output<?>[] {imported.input(input)},
        new Output<?>[] {constantLike(sum, 1.0)})[0];
    Output<?> sq = graph.opBuilder("Mul", unique("r1_sq"), graph.baseScope()).addInput(g).addInput(g).build().output(0);
    return graph.opBuilder("Sum", unique("r1_penalty"), graph.baseScope()).addInput(sq).addInput(allAxes(sq))
        .build().output(0);
  }

  /** Gradient ops and the placeholder of the cotangent v. */
  public record VectorJacobian(Output<?> cotangent, Output<?> loss, Output<?>[] gradients, List<String> wrt) {}

  private static String unique(String base) {
    return base + "_" + GRADIENT_PREFIX.getAndIncrement();
  }

  private Output<?> allAxes(Output<?> y) {
    int rank = y.shape().numDimensions();
    if (rank < 0) {
      // An output whose rank is only known when the graph runs (a reduction over run-time axes).
      Output<?> r = graph.opBuilder("Rank", unique("vjp_rank"), graph.baseScope()).addInput(y).build().output(0);
      return graph.opBuilder("Range", unique("vjp_axes"), graph.baseScope()).addInput(scalar32(0)).addInput(r)
          .addInput(scalar32(1)).build().output(0);
    }
    int[] axes = new int[Math.max(rank, 0)];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i;
    }
    try (Tensor t = HostTensor.of(axes, axes.length).toTf()) {
      return graph.opBuilder("Const", unique("vjp_axes"), graph.baseScope())
          .setAttr("value", t).setAttr("dtype", t.dataType()).build().output(0);
    }
  }

  private Output<?> scalar32(int value) {
    try (Tensor t = HostTensor.of(new int[] {value}).toTf()) {
      return graph.opBuilder("Const", unique("vjp_int"), graph.baseScope())
          .setAttr("value", t).setAttr("dtype", t.dataType()).build().output(0);
    }
  }

  private Output<?> placeholderLike(Output<?> y) {
    return graph.opBuilder("Placeholder", unique("vjp_cotangent"), graph.baseScope())
        .setAttr("dtype", y.dataType()).setAttr("shape", y.shape()).build().output(0);
  }

  private Output<?> constantLike(Output<?> y, double value) {
    HostTensor h = HostTensor.of(new double[] {value}).asFloating(ElementType.fromTf(y.dataType()));
    try (Tensor t = h.toTf()) {
      return graph.opBuilder("Const", unique("vjp_seed"), graph.baseScope())
          .setAttr("value", t).setAttr("dtype", t.dataType()).build().output(0);
    }
  }

  /** {@code y}, or its bits as a type TF Java can fetch (int8 as uint8, ...; see ElementType#tfCarrier). */
  private Output<?> fetchable(Output<?> y) {
    ElementType t = ElementType.fromTf(y.dataType());
    if (t == null || t.tfCarrier() == y.dataType()) {
      return y;
    }
    return fetchAs.computeIfAbsent(y, o -> graph.opBuilder("Bitcast", unique("fetch_as"), graph.baseScope())
        .addInput(o).setAttr("type", t.tfCarrier()).build().output(0));
  }

  private HostTensor toGraphType(HostTensor v, Output<?> placeholder) {
    ElementType t = ElementType.fromTf(placeholder.dataType());
    return t != null && t.isFloating() ? v.asFloating(t) : v;
  }

  public ImportOptions options() {
    return options;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
