package org.mgm.onnx.importer;

import java.util.Map;
import java.util.function.Function;
import org.mgm.model.Module;
import org.mgm.model.ParameterList;
import org.mgm.onnx.io.OnnxInputs;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.types.TFloat32;

/**
 * An imported graph (ONNX, or a TF model through {@code tf.TfGraphImporter}) as a {@link Module}:
 * the first application creates the variables its {@link InitializerPolicy} asks for, and every
 * later one is imported again under its own scope with those variables shared, so a critic on
 * real and on fake images, or a sampler beside the trained generator, is one network.
 */
public final class ImportedModule implements Module {
  private final String name;
  private final ImportOptions options;
  private final String input;
  private final Function<ImportOptions, ImportedGraph> importer;
  private ImportedGraph first;
  private int applications;

  /**
   * @param options the first application's options (its scope is the module's name)
   * @param input the input {@link #apply(Operand)} binds
   * @param importer imports the model once with the given options
   */
  public ImportedModule(ImportOptions options, String input, Function<ImportOptions, ImportedGraph> importer) {
    this.name = options.scope();
    this.options = options;
    this.input = input;
    this.importer = importer;
  }

  /** An ONNX model bound by its first data input; {@code source} names it in errors. */
  public static ImportedModule onnx(Graph graph, ModelProto model, ImportOptions options, String source) {
    OnnxImporter onnx = new OnnxImporter();
    return new ImportedModule(options, OnnxInputs.first(model), o -> onnx.importModel(graph, model, o, source));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Operand<TFloat32> apply(Operand<TFloat32> x) {
    return (Operand<TFloat32>) apply(Map.of(input, x)).output();
  }

  /**
   * One more application with the given inputs bound, under the module's name the first time
   * and {@code name_n} after.
   */
  public ImportedGraph apply(Map<String, Operand<?>> bindings) {
    return apply(applications == 0 ? name : name + "_" + applications, bindings);
  }

  /** One more application under a chosen scope, exposing the module's default outputs. */
  public ImportedGraph apply(String scope, Map<String, Operand<?>> bindings) {
    return apply(scope, bindings, options.outputs());
  }

  /**
   * One more application under a chosen scope with the given outputs (a TF graph whose losses
   * and images are separate endpoints); only what those outputs need is imported.
   */
  public ImportedGraph apply(String scope, Map<String, Operand<?>> bindings, java.util.List<String> outputs) {
    applications++;
    ImportOptions o = options.withScope(scope).withBindings(bindings).withOutputs(outputs);
    if (first == null) {
      first = importer.apply(o);
      return first;
    }
    Map<String, Output<?>> shared = first.parameterOperands();
    return importer.apply(o.withShared(shared));
  }

  /** The first application: its variables, for writing trained values back and for sub-lists. */
  public ImportedGraph variables() {
    if (first == null) {
      throw new IllegalStateException(name + ": not applied yet, so it has no variables");
    }
    return first;
  }

  @Override
  public ParameterList parameters() {
    ImportedGraph g = variables();
    ParameterList t = g.trainable();
    ParameterList.Policy policy = t.isEmpty() ? ParameterList.Policy.FROZEN
        : g.scalesByInitializer().isEmpty() ? ParameterList.Policy.TRAINABLE : ParameterList.Policy.ADAPTED;
    return new ParameterList(t.name(), t.parameters(), policy);
  }

  /** Part of the parameters, by initializer name (an Lf step that leaves some layers alone). */
  public ParameterList parametersWhere(String listName, java.util.function.Predicate<String> keep) {
    return variables().trainableWhere(listName, keep);
  }
}
