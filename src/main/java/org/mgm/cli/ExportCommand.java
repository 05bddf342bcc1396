package org.mgm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.mgm.onnx.export.OnnxWriteBack;
import org.mgm.onnx.export.TfModelToOnnx;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.runtime.AtomicFiles;
import org.mgm.tf.TfModel;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;

/**
 * {@code mgm export}: a trained module to ONNX. A SavedModel built in Java (a synthetic mixer or
 * agent) gets an ONNX graph emitted for its ops; an ONNX-sourced module is its original graph with
 * trained initializers (one NAME.npy per initializer in a directory) written back. The result is
 * opened with ONNX Runtime before the command reports success.
 */
final class ExportCommand extends Command {
  @Override
  public String name() {
    return "export";
  }

  @Override
  public String summary() {
    return "a trained module to ONNX (SavedModel MLPs, or an ONNX graph with trained initializers)";
  }

  @Override
  protected Options options() {
    Options o = new Options();
    o.addOption(Option.builder().longOpt("savedmodel").hasArg().argName("DIR").desc("a TF model: SavedModel (the toolkit's, TF1, TF2, Keras), .meta / checkpoint, or .pb; variables are frozen").build());
    o.addOption(Option.builder().longOpt("signature").hasArg().argName("KEY").desc("SavedModel signature (default serving_default)").build());
    o.addOption(Option.builder().longOpt("output").hasArgs().argName("NAME")
        .desc("TF models: outputs to export (tensor, signature key or key_node[i]; default: the model's)").build());
    o.addOption(ModelArg.allowOpOption());
    o.addOption(Option.builder().longOpt("onnx").hasArg().argName("SOURCE.onnx").desc("the module's original ONNX graph").build());
    o.addOption(Option.builder().longOpt("weights").hasArg().argName("DIR").desc("trained initializers as NAME.npy (with --onnx)").build());
    o.addOption(Option.builder().longOpt("out").hasArg().argName("OUT.onnx").required().desc("where to write").build());
    return o;
  }

  @Override
  protected int execute(CommandLine cmd) throws Exception {
    Path out = Path.of(cmd.getOptionValue("out"));
    ModelProto model;
    if (cmd.hasOption("savedmodel") == cmd.hasOption("onnx")) {
      throw new UsageException("give exactly one of --savedmodel DIR or --onnx SOURCE.onnx");
    }
    if (cmd.hasOption("savedmodel")) {
      try (TfModel m = TfModel.open(Path.of(cmd.getOptionValue("savedmodel")), cmd.getOptionValue("signature",
          TfModel.DEFAULT_SIGNATURE), ModelArg.policy(cmd))) {
        model = TfModelToOnnx.convert(m, cmd.hasOption("output") ? List.of(cmd.getOptionValues("output")) : List.of());
      }
    } else {
      if (!cmd.hasOption("weights")) {
        throw new UsageException("--onnx needs --weights DIR (trained initializers as NAME.npy)");
      }
      ModelProto source = OnnxModelFile.read(Path.of(cmd.getOptionValue("onnx")));
      Path weightDir = Path.of(cmd.getOptionValue("weights"));
      if (!Files.isDirectory(weightDir)) {
        throw new UsageException("--weights: " + weightDir + " is not a directory (expected NAME.npy per initializer)");
      }
      Map<String, HostTensor> weights = new LinkedHashMap<>();
      try (Stream<Path> files = Files.list(Path.of(cmd.getOptionValue("weights")))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".npy")).sorted().toList()) {
          String name = f.getFileName().toString();
          weights.put(name.substring(0, name.length() - 4), Npy.read(f));
        }
      }
      model = OnnxWriteBack.withInitializers(source, weights);
    }
    // Checked under the temporary name: a model ORT cannot open never replaces an earlier OUT.
    ModelProto finished = model;
    String[] io = new String[1];
    AtomicFiles.write(out, tmp -> {
      try (var stream = Files.newOutputStream(tmp)) {
        finished.writeTo(stream);
      }
      try (OrtModel check = OrtModel.open(tmp, OrtModel.Device.CPU)) {
        io[0] = "inputs " + check.inputNames() + ", outputs " + check.outputNames();
      } catch (OnnxFormatException e) {
        throw new OnnxFormatException(e.getMessage().replace(tmp.toString(), out.toString()), e);
      }
    });
    System.out.println("wrote " + out + " (" + io[0] + "; opens in ONNX Runtime)");
    return 0;
  }
}
