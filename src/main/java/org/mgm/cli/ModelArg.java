package org.mgm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.importer.OnnxImporter;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import java.util.List;
import org.mgm.tf.OpPolicy;
import org.mgm.tf.TfGraphImporter;
import org.mgm.tf.TfModel;

/**
 * The model of {@code inspect}, {@code infer} and {@code gradcheck}: an ONNX file or any TF format
 * (SavedModel directory, TF1 MetaGraph + checkpoint, frozen GraphDef), told apart by layout and
 * opened once, so every command accepts every format the same way.
 */
final class ModelArg implements AutoCloseable {
  private final Path path;
  private final ModelProto onnx;
  private final TfModel tf;

  private ModelArg(Path path, ModelProto onnx, TfModel tf) {
    this.path = path;
    this.onnx = onnx;
    this.tf = tf;
  }

  /** {@code --allow-op NAME} (repeatable): an op outside the allowlist of pure computation that a TF model may run. */
  static org.apache.commons.cli.Option allowOpOption() {
    return org.apache.commons.cli.Option.builder().longOpt("allow-op").hasArgs().argName("OP")
        .desc("TF models: let this op outside the allowlist of pure computation run (file, print, dataset ops...);"
            + " repeatable").build();
  }

  /** The op policy {@code --allow-op} asks for. */
  static OpPolicy policy(org.apache.commons.cli.CommandLine cmd) {
    return cmd.hasOption("allow-op") ? OpPolicy.allowing(List.of(cmd.getOptionValues("allow-op"))) : OpPolicy.STANDARD;
  }

  /** The {@code --allow-op} arguments that give a child command the same policy. */
  static List<String> policyArgs(OpPolicy policy) {
    List<String> args = new java.util.ArrayList<>();
    policy.optIn().forEach(op -> args.addAll(List.of("--allow-op", op)));
    return args;
  }

  static ModelArg open(Path path, String signature, OpPolicy policy) throws java.io.IOException {
    if (!Files.exists(path) && !TfModel.looksLikeTf(path)) {
      throw new UsageException(path + ": no such file or directory");
    }
    if (TfModel.looksLikeTf(path)) {
      return new ModelArg(path, null, TfModel.open(path, signature, policy));
    }
    return new ModelArg(path, OnnxModelFile.read(path), null);
  }

  boolean isTf() {
    return tf != null;
  }

  ModelProto onnx() {
    return onnx;
  }

  TfModel tf() {
    return tf;
  }

  Path path() {
    return path;
  }

  ImportedSession.Importer importer() {
    return tf != null ? (g, o) -> TfGraphImporter.importModel(g, tf, o)
        : (g, o) -> new OnnxImporter().importModel(g, onnx, o, path.toString());
  }

  @Override
  public void close() {
    if (tf != null) {
      tf.close();
    }
  }
}
