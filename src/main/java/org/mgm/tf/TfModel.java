package org.mgm.tf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mgm.tensor.HostTensor;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * A model written by TensorFlow, recognised by its content: a SavedModel directory (TF1
 * {@code SavedModelBuilder}, TF2 {@code tf.saved_model.save}, Keras 3 {@code export()}), a TF1
 * MetaGraph with its checkpoint (a {@code .meta} file, a checkpoint prefix, or a directory with a
 * {@code checkpoint} state file), or a frozen GraphDef {@code .pb}.
 *
 * <p>It holds the graph as TF wrote it (function library included), its named inputs and outputs,
 * its collections, and a way to read variable values: from the loaded SavedModel session, or from
 * the checkpoint with TF's own restore kernel. {@link TfGraphImporter} copies the part that some
 * outputs need into another graph.
 */
public final class TfModel implements AutoCloseable {
  private static final org.apache.logging.log4j.Logger LOG = org.apache.logging.log4j.LogManager.getLogger(TfModel.class);

  public enum Format {
    SAVED_MODEL("SavedModel"), META_GRAPH("TF1 MetaGraph + checkpoint"), FROZEN_GRAPH("frozen GraphDef");

    private final String label;

    Format(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public static final String DEFAULT_SIGNATURE = "serving_default";

  private final Format format;
  private final String source;
  private final GraphDef graph;
  private final Map<String, NodeDef> nodes = new LinkedHashMap<>();
  private final Map<String, TfEndpoint> inputs;
  private final Map<String, TfEndpoint> outputs;
  private final Map<String, List<String>> collections;
  private final SavedModelBundle bundle;
  private final CheckpointReader checkpoint;
  private final FunctionInliner inliner;
  private final OpPolicy policy;
  private final Map<String, List<String>> optedIn;

  private TfModel(Format format, String source, GraphDef graph, Map<String, TfEndpoint> inputs,
      Map<String, TfEndpoint> outputs, Map<String, List<String>> collections, SavedModelBundle bundle,
      CheckpointReader checkpoint, Checked checked) {
    this.policy = checked.policy();
    this.optedIn = checked.optedIn();
    this.format = format;
    this.source = source;
    this.graph = graph;
    for (NodeDef n : graph.getNodeList()) {
      nodes.put(n.getName(), n);
    }
    this.inputs = inputs != null ? inputs : placeholders();
    this.outputs = outputs;
    this.collections = collections;
    this.bundle = bundle;
    this.checkpoint = checkpoint;
    this.inliner = new FunctionInliner(graph, source);
  }

  /** Whether {@code path} is laid out as one of the TF formats (the CLI's choice between ONNX and TF). */
  public static boolean looksLikeTf(Path path) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString();
    if (Files.isDirectory(path)) {
      return true; // an ONNX model is never a directory; a directory that is no TF model gets TF's error
    }
    return name.endsWith(".meta") || name.endsWith(".pb") || name.endsWith(".index")
        || Files.isRegularFile(Path.of(path + ".meta")) || Files.isRegularFile(Path.of(path + ".index"));
  }

  /** What {@link ForeignGraphCheck} found: the policy and the ops outside the allowlist it let through. */
  private record Checked(OpPolicy policy, Map<String, List<String>> optedIn) {}

  /** Opens any of the formats with the {@link OpPolicy#STANDARD standard} op policy. */
  public static TfModel open(Path path, String signature) {
    return open(path, signature, OpPolicy.STANDARD);
  }

  /**
   * Opens any of the formats. The graph and its function library are checked against
   * {@code policy} before anything of the model runs (a SavedModel's loader runs its restore and
   * main op): a node outside it is refused with its name and op.
   *
   * @param signature the SavedModel signature to use (ignored for the other formats)
   */
  public static TfModel open(Path path, String signature, OpPolicy policy) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString();
    if (Files.isDirectory(path)) {
      if (Files.isRegularFile(path.resolve("saved_model.pb"))) {
        return openSavedModel(path, signature, policy);
      }
      if (Files.isRegularFile(path.resolve("checkpoint"))) {
        return openMetaGraph(CheckpointReader.prefixFromStateFile(path), path.toString(), policy);
      }
      throw new TfModelException(path + ": directory is not a TF model (expected saved_model.pb for a SavedModel"
          + " or a 'checkpoint' state file for a TF1 checkpoint)");
    }
    if (name.endsWith(".meta")) {
      return openMetaGraph(Path.of(path.toString().substring(0, path.toString().length() - 5)), path.toString(), policy);
    }
    if (name.endsWith(".index")) {
      return openMetaGraph(Path.of(path.toString().substring(0, path.toString().length() - 6)), path.toString(), policy);
    }
    if (Files.isRegularFile(Path.of(path + ".meta"))) {
      return openMetaGraph(path, path.toString(), policy);
    }
    if (Files.isRegularFile(path)) {
      return openFrozenGraph(path, policy);
    }
    throw new TfModelException(path + ": no such file or directory");
  }

  private static TfModel openSavedModel(Path dir, String signature, OpPolicy policy) {
    Checked checked = checkSavedModel(dir, policy);
    SavedModelBundle b;
    try {
      b = SavedModelBundle.loader(dir.toString()).withTags(SavedModelBundle.DEFAULT_TAG)
          .withConfigProto(org.mgm.runtime.Sessions.config()).load();
    } catch (TensorFlowException | IllegalArgumentException e) {
      throw new TfModelException(dir + ": cannot load SavedModel (tag 'serve'): " + firstLine(e.getMessage()), e);
    }
    try {
      MetaGraphDef meta = b.metaGraphDef();
      List<String> restored = ObjectGraphVariables.restoreUninitialized(dir, meta, b.graph(), b.session());
      if (!restored.isEmpty()) {
        LOG.debug("{}: {} variables restored through the object graph (the saver left them out): {}", dir,
            restored.size(), restored);
      }
      SignatureDef sig = meta.getSignatureDefMap().get(signature);
      if (sig == null) {
        throw new TfModelException(dir + ": no signature '" + signature + "' (has "
            + new ArrayList<>(meta.getSignatureDefMap().keySet()) + ")");
      }
      return new TfModel(Format.SAVED_MODEL, dir.toString(), meta.getGraphDef(), endpoints(sig.getInputsMap()),
          endpoints(sig.getOutputsMap()), collections(meta), b, null, checked);
    } catch (RuntimeException e) {
      b.close();
      throw e;
    }
  }

  /**
   * Reads {@code saved_model.pb} as TF's loader will and checks every meta graph in it, before
   * the loader runs the saver's restore and the main op of the one it picks.
   */
  private static Checked checkSavedModel(Path dir, OpPolicy policy) {
    for (String other : List.of("saved_model.pbtxt", "saved_model.cpb")) {
      // TF's reader may prefer another form of the proto to the one checked here.
      if (Files.exists(dir.resolve(other))) {
        throw new TfModelException(dir + ": has both saved_model.pb and " + other
            + "; the loader could read either, so neither is loaded");
      }
    }
    SavedModel saved;
    try {
      saved = SavedModel.parseFrom(Files.readAllBytes(dir.resolve("saved_model.pb")));
    } catch (IOException e) {
      throw new TfModelException(dir + ": saved_model.pb is not a SavedModel (" + firstLine(e.getMessage()) + ")");
    }
    Map<String, List<String>> optedIn = new java.util.TreeMap<>();
    for (MetaGraphDef meta : saved.getMetaGraphsList()) {
      ForeignGraphCheck.check(dir.toString(), meta.getGraphDef(), meta.hasSaverDef() ? meta.getSaverDef() : null, policy)
          .forEach((op, at) -> optedIn.computeIfAbsent(op, k -> new ArrayList<>()).addAll(at));
    }
    return new Checked(policy, optedIn);
  }

  private static TfModel openMetaGraph(Path prefix, String source, OpPolicy policy) {
    Path metaFile = Path.of(prefix + ".meta");
    if (!Files.isRegularFile(metaFile)) {
      throw new TfModelException(source + ": no MetaGraph " + metaFile.getFileName() + " beside the checkpoint");
    }
    MetaGraphDef meta;
    try {
      meta = MetaGraphDef.parseFrom(Files.readAllBytes(metaFile));
    } catch (IOException e) {
      throw new TfModelException(metaFile + ": not a TF MetaGraph (" + firstLine(e.getMessage()) + ")");
    }
    if (meta.getGraphDef().getNodeCount() == 0) {
      throw new TfModelException(metaFile + ": not a TF MetaGraph (no graph nodes)");
    }
    Checked checked = new Checked(policy, ForeignGraphCheck.check(source, meta.getGraphDef(),
        meta.hasSaverDef() ? meta.getSaverDef() : null, policy));
    return new TfModel(Format.META_GRAPH, source, meta.getGraphDef(), null, Map.of(), collections(meta), null,
        new CheckpointReader(prefix), checked);
  }

  private static TfModel openFrozenGraph(Path file, OpPolicy policy) {
    GraphDef g;
    try {
      g = GraphDef.parseFrom(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new TfModelException(file + ": not a frozen TF GraphDef (" + firstLine(e.getMessage()) + ")");
    }
    // Protobuf parses many byte strings as some message; a real GraphDef has named nodes with known ops.
    if (g.getNodeCount() == 0 || g.getNodeList().stream().anyMatch(n -> n.getName().isEmpty() || n.getOp().isEmpty())) {
      throw new TfModelException(file + ": not a frozen TF GraphDef (no named nodes with ops)");
    }
    Checked checked = new Checked(policy, ForeignGraphCheck.check(file.toString(), g, null, policy));
    TfModel m = new TfModel(Format.FROZEN_GRAPH, file.toString(), g, null, new LinkedHashMap<>(), Map.of(), null, null,
        checked);
    m.outputs.putAll(m.sinks());
    return m;
  }

  public Format format() {
    return format;
  }

  public String source() {
    return source;
  }

  /** The op policy the model was checked against; the importer copies no op outside it. */
  public OpPolicy policy() {
    return policy;
  }

  /** Ops outside the allowlist that the policy's opt-ins let through, with their nodes ({@code fn/node} in functions). */
  public Map<String, List<String>> optedIn() {
    return optedIn;
  }

  /** The graph as written, function library included. */
  public GraphDef graphDef() {
    return graph;
  }

  public NodeDef node(String name) {
    return nodes.get(name);
  }

  /** Signature inputs (SavedModel) or every placeholder (other formats), by name. */
  public Map<String, TfEndpoint> inputs() {
    return inputs;
  }

  /**
   * Signature outputs (SavedModel), the nodes nothing consumes (frozen GraphDef), or nothing
   * (MetaGraph: outputs are named by tensor or collection entry).
   */
  public Map<String, TfEndpoint> outputs() {
    return outputs;
  }

  /** Collections of tensor or node names (a MetaGraph's {@code key_node}, for instance). */
  public Map<String, List<String>> collections() {
    return collections;
  }

  /**
   * The graph tensor that a user's name stands for: a signature input or output key, an entry of
   * a collection as {@code NAME[i]}, or a tensor name ({@code node} or {@code node:i}).
   */
  public String tensorOf(String name) {
    if (outputs.containsKey(name)) {
      return outputs.get(name).tensor();
    }
    if (inputs.containsKey(name)) {
      return inputs.get(name).tensor();
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(.+)\\[(\\d+)]").matcher(name);
    if (m.matches()) {
      List<String> c = collections.get(m.group(1));
      if (c == null) {
        throw new TfModelException(source + ": no collection '" + m.group(1) + "' (has " + collections.keySet() + ")");
      }
      int i = Integer.parseInt(m.group(2));
      if (i >= c.size()) {
        throw new TfModelException(source + ": collection '" + m.group(1) + "' has " + c.size() + " entries, not " + (i + 1));
      }
      return TensorRef.parse(c.get(i)).toString();
    }
    TensorRef ref = TensorRef.parse(name);
    if (!nodes.containsKey(ref.node())) {
      throw new TfModelException(source + ": no output, collection entry or node '" + name + "'"
          + (outputs.isEmpty() ? "" : " (outputs: " + outputs.keySet() + ")"));
    }
    return ref.toString();
  }

  /** The nodes the given tensors depend on, function calls inlined (see {@link FunctionInliner}). */
  public GraphDef flatten(Collection<String> tensors) {
    return inliner.flatten(graph, tensors);
  }

  /** Values of variables, read from the SavedModel's session or the checkpoint, by variable name. */
  public Map<String, HostTensor> read(List<TfVariable> variables) {
    Map<String, HostTensor> out = new LinkedHashMap<>();
    if (variables.isEmpty()) {
      return out;
    }
    if (bundle != null) {
      return readFromSession(variables);
    }
    if (checkpoint == null) {
      throw new TfModelException(source + ": variable '" + variables.get(0).name()
          + "' has no value (a frozen GraphDef has constants only)");
    }
    Map<String, DataType> wanted = new LinkedHashMap<>();
    for (TfVariable v : variables) {
      wanted.put(v.node(), v.dtype());
    }
    Map<String, HostTensor> byKey = checkpoint.read(wanted);
    for (TfVariable v : variables) {
      HostTensor value = byKey.get(v.node());
      checkShape(v, value);
      out.put(v.name(), value);
    }
    return out;
  }

  private Map<String, HostTensor> readFromSession(List<TfVariable> variables) {
    Graph g = bundle.graph();
    Session.Runner runner = bundle.session().runner();
    for (TfVariable v : variables) {
      GraphOperation op = g.operation(v.node());
      if (op == null) {
        throw new TfModelException(source + ": variable node '" + v.node() + "' is not in the loaded graph");
      }
      if (v.resource()) {
        // A resource handle cannot be fetched; a read added to the loaded graph gives the restored value.
        String readName = "mgm_read/" + v.node();
        GraphOperation read = g.operation(readName);
        if (read == null) {
          read = g.opBuilder("ReadVariableOp", readName, g.baseScope()).addInput(op.output(0))
              .setAttr("dtype", v.dtype()).build();
        }
        runner.fetch(read.output(0));
      } else {
        runner.fetch(op.output(0));
      }
    }
    Map<String, HostTensor> out = new LinkedHashMap<>();
    try (Result r = runner.run()) {
      for (int i = 0; i < variables.size(); i++) {
        HostTensor value = HostTensor.fromTf(r.get(i));
        checkShape(variables.get(i), value);
        out.put(variables.get(i).name(), value);
      }
    } catch (TensorFlowException e) {
      throw new TfModelException(source + ": cannot read variables: " + firstLine(e.getMessage()), e);
    }
    return out;
  }

  private void checkShape(TfVariable v, HostTensor value) {
    if (v.shape() != null && !sameShape(v.shape(), value.shape())) {
      throw new TfModelException(source + ": variable '" + v.name() + "' has shape " + java.util.Arrays.toString(value.shape())
          + " in the checkpoint but " + java.util.Arrays.toString(v.shape()) + " in the graph");
    }
  }

  private static boolean sameShape(long[] declared, long[] actual) {
    if (declared.length != actual.length) {
      return false;
    }
    for (int i = 0; i < declared.length; i++) {
      if (declared[i] >= 0 && declared[i] != actual[i]) {
        return false;
      }
    }
    return true;
  }

  /** Every Placeholder of the graph, by node name. */
  private Map<String, TfEndpoint> placeholders() {
    Map<String, TfEndpoint> m = new LinkedHashMap<>();
    for (NodeDef n : graph.getNodeList()) {
      if (n.getOp().equals("Placeholder")) {
        m.put(n.getName(), new TfEndpoint(n.getName(), n.getName() + ":0", n.getAttrOrThrow("dtype").getType(),
            n.containsAttr("shape") ? dims(n.getAttrOrThrow("shape").getShape()) : null));
      }
    }
    return m;
  }

  /** Nodes with outputs that no other node consumes: a frozen graph's natural outputs. */
  private Map<String, TfEndpoint> sinks() {
    Set<String> consumed = new HashSet<>();
    for (NodeDef n : graph.getNodeList()) {
      for (String in : n.getInputList()) {
        consumed.add(TensorRef.parse(in).node());
      }
    }
    Set<String> noOutputs = Set.of("NoOp", "Assert", "SaveV2", "AssignVariableOp", "Placeholder", "Const");
    Map<String, TfEndpoint> m = new LinkedHashMap<>();
    for (NodeDef n : graph.getNodeList()) {
      if (!consumed.contains(n.getName()) && !noOutputs.contains(n.getOp())) {
        m.put(n.getName(), new TfEndpoint(n.getName(), n.getName() + ":0", DataType.DT_INVALID, null));
      }
    }
    return m;
  }

  /** The variables that a flattened graph reads. */
  public static List<TfVariable> variablesOf(GraphDef flat) {
    List<TfVariable> vars = new ArrayList<>();
    for (NodeDef n : flat.getNodeList()) {
      boolean resource = n.getOp().equals("VarHandleOp");
      if (resource || n.getOp().equals("VariableV2") || n.getOp().equals("Variable")) {
        String shared = resource && n.containsAttr("shared_name") ? n.getAttrOrThrow("shared_name").getS().toStringUtf8() : "";
        DataType t = TfTypes.valueType(n.getAttrOrThrow("dtype").getType());
        vars.add(new TfVariable(n.getName(), shared.isEmpty() ? n.getName() : shared, t,
            n.containsAttr("shape") ? dims(n.getAttrOrThrow("shape").getShape()) : null, resource));
      }
    }
    return vars;
  }

  static long[] dims(TensorShapeProto s) {
    if (s.getUnknownRank()) {
      return null;
    }
    return s.getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray();
  }

  private static Map<String, TfEndpoint> endpoints(Map<String, TensorInfo> infos) {
    Map<String, TfEndpoint> m = new LinkedHashMap<>();
    new java.util.TreeMap<>(infos).forEach((k, v) -> m.put(k, new TfEndpoint(k, TensorRef.parse(v.getName()).toString(),
        v.getDtype(), v.hasTensorShape() ? dims(v.getTensorShape()) : null)));
    return m;
  }

  private static Map<String, List<String>> collections(MetaGraphDef meta) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (Map.Entry<String, CollectionDef> e : new java.util.TreeMap<>(meta.getCollectionDefMap()).entrySet()) {
      if (e.getValue().hasNodeList()) {
        m.put(e.getKey(), List.copyOf(e.getValue().getNodeList().getValueList()));
      }
    }
    return m;
  }

  static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  @Override
  public void close() {
    if (bundle != null) {
      bundle.close();
    }
  }

  /** For messages: what a user would pass to name this model's outputs. */
  public String outputHint() {
    return outputs.isEmpty() ? "a tensor name or a collection entry such as "
        + (collections.isEmpty() ? "NAME[0]" : collections.keySet().iterator().next() + "[1]") : "one of " + outputs.keySet();
  }

}
