package org.mgm.onnx.importer;

import java.util.List;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.io.OnnxTensors;
import org.mgm.onnx.proto.OnnxModelProto.AttributeProto;
import org.mgm.onnx.proto.OnnxModelProto.GraphProto;
import org.mgm.onnx.proto.OnnxModelProto.NodeProto;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;

/** One ONNX node during import: its attributes, its inputs as TF outputs, the opset, an emitter. */
public final class NodeContext {
  private final NodeProto node;
  private final String label;
  private final int opset;
  private final ImportState state;
  private final TfEmitter tf;
  private final ImportOptions options;
  private final Subgraphs subgraphs;

  /** Emits a subgraph of this node into the import's graph (see {@link #emitSubgraph}). */
  interface Subgraphs {
    Subgraph emit(GraphProto body, String name, List<Output<?>> inputs, List<HostTensor> known);
  }

  /**
   * A subgraph's outputs as emitted, with the import-time value of each output where it has one
   * (a Loop's condition that is a constant, say), else null.
   */
  public record Subgraph(Output<?>[] outputs, HostTensor[] known) {}

  NodeContext(NodeProto node, String label, int opset, ImportState state, TfEmitter tf, ImportOptions options) {
    this(node, label, opset, state, tf, options, null);
  }

  NodeContext(NodeProto node, String label, int opset, ImportState state, TfEmitter tf, ImportOptions options,
      Subgraphs subgraphs) {
    this.subgraphs = subgraphs;
    this.node = node;
    this.label = label;
    this.opset = opset;
    this.state = state;
    this.tf = tf;
    this.options = options;
  }

  public TfEmitter tf() {
    return tf;
  }

  public ImportOptions options() {
    return options;
  }

  /** The default-domain opset version of the model. */
  public int opset() {
    return opset;
  }

  /**
   * The version of this node's op that the model's opset selects (its newest since-version at or
   * below the opset): what the handler's semantics must follow.
   */
  public int sinceVersion() {
    return OnnxOpVersions.standard().sinceVersion(node.getOpType(), opset);
  }

  /** "node 'name' (OpType)", for error messages. */
  public String label() {
    return label;
  }

  public String opType() {
    return node.getOpType();
  }

  public int inputCount() {
    return node.getInputCount();
  }

  public int outputCount() {
    return node.getOutputCount();
  }

  /** Optional inputs may be absent or given as "". */
  public boolean hasInput(int i) {
    return i < node.getInputCount() && !node.getInput(i).isEmpty();
  }

  public Output<?> input(int i) {
    if (!hasInput(i)) {
      throw fail("input " + i + " is missing");
    }
    return state.value(node.getInput(i), label);
  }

  /**
   * Input i in NHWC as an earlier op left it, without a transpose; null when it has no
   * channels-last form (see {@link ImportState}).
   */
  public Output<?> channelsLastInput(int i) {
    return hasInput(i) ? state.channelsLast(node.getInput(i)) : null;
  }

  /** Input i in NHWC: its channels-last form, else the rank-4 NCHW input transposed. */
  public Output<?> inputAsChannelsLast(int i) {
    Output<?> t = channelsLastInput(i);
    return t != null ? t : tf.transpose(input(i), 0, 2, 3, 1);
  }

  /**
   * The static NCHW shape of input i, read from its channels-last form when it has one (or from a
   * frozen weight's stored value), so that asking for it does not make the NCHW tensor (or the
   * weight's variable).
   */
  public Shape inputShape(int i) {
    Shape frozen = hasInput(i) ? state.frozenShape(node.getInput(i)) : null;
    if (frozen != null) {
      return frozen;
    }
    Output<?> t = channelsLastInput(i);
    if (t == null) {
      return input(i).shape();
    }
    Shape s = t.shape();
    return s.isUnknown() ? s : Shape.of(s.get(0), s.get(3), s.get(1), s.get(2));
  }

  /**
   * Input i transposed by {@code perm}. A large frozen weight is stored transposed, by one
   * Transpose when its session loads it, so that no step transposes it again.
   */
  public Output<?> inputTransposed(int i, int... perm) {
    StringBuilder form = new StringBuilder("t");
    for (int p : perm) {
      form.append(p);
    }
    Output<?> stored = hasInput(i)
        ? state.frozenAs(node.getInput(i), form.toString(), w -> tf.transpose(w, perm)) : null;
    return stored != null ? stored : tf.transpose(input(i), perm);
  }

  /**
   * Output 0 given in NHWC: the handler's result array, whose slot 0 is left null. The NCHW
   * form is emitted (one Transpose in this node's scope) only if a later node or a graph output
   * reads it.
   */
  public Output<?>[] channelsLastResult(Output<?> nhwc) {
    state.defineChannelsLast(node.getOutput(0), nhwc, () -> tf.transpose(nhwc, 0, 3, 1, 2));
    return new Output<?>[] {null};
  }

  /** The value of an input that must be known at import time (pads, axes, shapes of ops). */
  public HostTensor constantInput(int i) {
    HostTensor v = constantInputOrNull(i);
    if (v == null) {
      throw fail("input " + i + " ('" + node.getInput(i) + "') must be a constant or initializer; "
          + "a value computed at run time is not supported here");
    }
    return v;
  }

  /**
   * The value of input i when it is fixed for good (a constant or frozen initializer, not a
   * trainable or fed one), else null: for rewrites that drop an op whose operand is 1 or 0.
   */
  public HostTensor frozenInputOrNull(int i) {
    return hasInput(i) ? state.constant(node.getInput(i)) : null;
  }

  /**
   * An import-time value: a constant, or the stored value of a trainable/fed initializer used
   * where the op needs a static argument (Resize scales, a pad value); such a use does not follow
   * later training of that initializer.
   */
  public HostTensor constantInputOrNull(int i) {
    if (!hasInput(i)) {
      return null;
    }
    HostTensor c = state.constant(node.getInput(i));
    return c != null ? c : state.initialValue(node.getInput(i));
  }

  /**
   * An integer vector input with some entries known at import time (unknown ones are
   * {@link #UNKNOWN}), or null when nothing is known about it.
   */
  public long[] partialInput(int i) {
    if (!hasInput(i)) {
      return null;
    }
    PartialValues.Partial p = PartialValues.of(node.getInput(i), state);
    return p == null || p.scalar() ? null : p.values().clone();
  }

  public static final long UNKNOWN = PartialValues.UNKNOWN;

  public OnnxFormatException fail(String problem) {
    return new OnnxFormatException(label + ": " + problem);
  }

  private AttributeProto attr(String name) {
    for (AttributeProto a : node.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  public boolean hasAttr(String name) {
    return attr(name) != null;
  }

  public long attrInt(String name, long fallback) {
    AttributeProto a = attr(name);
    return a == null ? fallback : a.getI();
  }

  public float attrFloat(String name, float fallback) {
    AttributeProto a = attr(name);
    return a == null ? fallback : a.getF();
  }

  public String attrString(String name, String fallback) {
    AttributeProto a = attr(name);
    return a == null ? fallback : a.getS().toStringUtf8();
  }

  /** Integer list attribute, or null when absent. */
  public long[] attrInts(String name) {
    AttributeProto a = attr(name);
    return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  /** String list attribute, or null when absent. */
  public List<String> attrStrings(String name) {
    AttributeProto a = attr(name);
    return a == null ? null : a.getStringsList().stream().map(b -> b.toStringUtf8()).toList();
  }

  public List<Float> attrFloats(String name) {
    AttributeProto a = attr(name);
    return a == null ? null : a.getFloatsList();
  }

  /** A graph attribute (If's branches, a Loop or Scan body), or null when absent. */
  public GraphProto attrGraph(String name) {
    AttributeProto a = attr(name);
    return a == null || !a.hasG() ? null : a.getG();
  }

  /**
   * Emits {@code body} into this import's graph once, its inputs bound to {@code inputs} (with
   * their import-time values where {@code known} has one, else null); the body sees the values of
   * the enclosing graphs by name. {@code name} tells apart the emissions of one node (a branch, an
   * iteration) in TF op names.
   */
  public Subgraph emitSubgraph(GraphProto body, String name, List<Output<?>> inputs, List<HostTensor> known) {
    if (subgraphs == null) {
      throw fail("a subgraph cannot be emitted here (constant folding)");
    }
    if (body.getInputCount() != inputs.size()) {
      throw fail("subgraph '" + body.getName() + "' has " + body.getInputCount() + " inputs, the op gives it "
          + inputs.size());
    }
    return subgraphs.emit(body, name, inputs, known);
  }

  public HostTensor attrTensor(String name) {
    AttributeProto a = attr(name);
    return a == null || !a.hasT() ? null : OnnxTensors.decode(a.getT(), label + " attribute " + name);
  }

  /**
   * Integer input i (axes, a shape, repeats, starts/ends/steps): its import-time value when it has
   * one (see {@link #constantInputOrNull}), else the run-time tensor, for handlers that build a
   * dynamic form instead of refusing; null when the input is absent.
   */
  public Ints ints(int i) {
    if (!hasInput(i)) {
      return null;
    }
    HostTensor t = constantInputOrNull(i);
    if (t != null) {
      if (t.type().isFloating() || t.type() == org.mgm.tensor.ElementType.BOOL) {
        throw fail("input " + i + " must hold integers, not " + t.type());
      }
      return Ints.known(t.longs());
    }
    return Ints.runtime(input(i));
  }

  /**
   * Integers given as attribute {@code attrName} by op versions before {@code inputSinceVersion}
   * and as input {@code index} from then on, known or run-time (see {@link #ints}); null when absent.
   */
  public Ints intsArg(String attrName, int index, int inputSinceVersion) {
    if (sinceVersion() >= inputSinceVersion) {
      return ints(index);
    }
    long[] a = attrInts(attrName);
    return a == null ? null : Ints.known(a);
  }

  /** Integers given as an attribute before {@code inputSinceOpset} and as input {@code index} from then on. */
  public long[] intsFromAttrOrInput(String attrName, int index, int inputSinceOpset) {
    if (opset >= inputSinceOpset || hasInput(index)) {
      HostTensor t = constantInputOrNull(index);
      if (t == null && hasInput(index)) {
        constantInput(index);
      }
      return t == null ? null : t.longs();
    }
    return attrInts(attrName);
  }

  /** The static rank of a TF output, failing with the node's name when it is unknown. */
  public int rank(Output<?> x) {
    int r = x.shape().numDimensions();
    if (r < 0) {
      throw fail("needs the rank of its input, which is unknown");
    }
    return r;
  }
}
