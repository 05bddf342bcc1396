package org.mgm.cli;

import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.mgm.tf.TfModel;

/**
 * {@code mgm infer MODEL --input NAME=FILE.npy --output OUT.npy}: one forward pass of an ONNX model
 * (ONNX Runtime or the TF import) or of a TF model (SavedModel, MetaGraph + checkpoint, frozen .pb).
 */
final class InferCommand extends Command {
  @Override
  public String name() {
    return "infer";
  }

  @Override
  public String summary() {
    return "run an ONNX or TF model on .npy inputs with ONNX Runtime or TensorFlow";
  }

  @Override
  protected String positionalOption() {
    return "model";
  }

  @Override
  protected Options options() {
    Options o = new Options();
    o.addOption(Option.builder().longOpt("model").hasArg().argName("MODEL").required()
        .desc("ONNX file, SavedModel dir, .meta / checkpoint prefix / checkpoint dir, or frozen .pb").build());
    o.addOption(Option.builder().longOpt("input").hasArgs().argName("NAME=FILE.npy").required()
        .desc("an input value (repeatable)").build());
    o.addOption(Option.builder().longOpt("output").hasArg().argName("OUT.npy").required().desc("where to write").build());
    o.addOption(Option.builder().longOpt("output-name").hasArg().argName("NAME").desc("which output (default: first)").build());
    o.addOption(Option.builder().longOpt("engine").hasArg().argName("ort|tf").desc("default: ort for ONNX, tf for TF models").build());
    o.addOption(Option.builder().longOpt("signature").hasArg().argName("KEY").desc("SavedModel signature (default serving_default)").build());
    o.addOption(ModelArg.allowOpOption());
    o.addOption(Option.builder().longOpt("device").hasArg().argName("cpu|cuda").desc("ORT device (default: cpu)").build());
    o.addOption(Option.builder().longOpt("xla").desc("engine tf: compile the graph with XLA (faster convolutions; "
        + "rounds differently, compiles on the first run)").build());
    return o;
  }

  @Override
  protected int execute(CommandLine cmd) throws Exception {
    Path file = Path.of(cmd.getOptionValue("model"));
    OrtModel.Device device = parseDevice(cmd.getOptionValue("device", "cpu"));
    Map<String, HostTensor> inputs = TensorArgs.read(cmd.getOptionValues("input"));
    Map<String, HostTensor> outputs;
    if (cmd.hasOption("xla")) {
      // before the model opens: a TF model's loading makes the process's first session
      org.mgm.runtime.Sessions.use(org.mgm.runtime.Sessions.settings().toBuilder().xla(true).build());
    }
    try (ModelArg model = ModelArg.open(file, cmd.getOptionValue("signature", TfModel.DEFAULT_SIGNATURE),
        ModelArg.policy(cmd))) {
      String engine = cmd.getOptionValue("engine", model.isTf() ? "tf" : "ort");
      if (!engine.equals("ort") && !engine.equals("tf")) {
        throw new UsageException("--engine: expected ort or tf, got '" + engine + "'");
      }
      if (cmd.hasOption("xla") && engine.equals("ort")) {
        throw new UsageException("--xla: only with --engine tf (ONNX Runtime has its own optimiser)");
      }
      if (model.isTf() && engine.equals("ort")) {
        throw new UsageException("--engine ort: " + file + " is a TF model; export it to ONNX first (mgm export)");
      }
      if (!model.isTf()) {
        TensorArgs.completeWithRandom(model.onnx(), inputs, 1, 0).keySet().stream().filter(n -> !inputs.containsKey(n))
            .findFirst().ifPresent(n -> {
              throw new UsageException("--input: no value for model input '" + n + "'");
            });
      }
      if (engine.equals("ort")) {
        try (OrtModel m = OrtModel.open(file, device)) {
          outputs = m.run(inputs);
        }
      } else {
        ImportOptions options = ImportOptions.frozen("m");
        if (model.isTf() && cmd.hasOption("output-name")) {
          options = options.withOutputs(java.util.List.of(cmd.getOptionValue("output-name")));
        }
        try (ImportedSession s = new ImportedSession(model.importer(), options)) {
          Map<String, HostTensor> given = inputs;
          if (model.isTf()) {
            // infer runs on the user's values only: every input the outputs need must be given.
            for (String n : s.imported().inputs().keySet()) {
              if (!inputs.containsKey(n) && !inputs.containsKey(n + ":0")) {
                throw new UsageException("--input: no value for model input '" + n + "'");
              }
            }
            given = TensorArgs.completeWithRandom(s.imported().inputs(), inputs, 1, 0);
          }
          outputs = s.infer(given);
        }
      }
    }
    String name = cmd.getOptionValue("output-name", outputs.keySet().iterator().next());
    HostTensor y = outputs.get(name);
    if (y == null) {
      throw new UsageException("--output-name: no output '" + name + "' (outputs: " + outputs.keySet() + ")");
    }
    Npy.write(Path.of(cmd.getOptionValue("output")), y);
    System.out.println(name + " " + y + " -> " + cmd.getOptionValue("output"));
    return 0;
  }

  static OrtModel.Device parseDevice(String d) {
    return switch (d) {
      case "cpu" -> OrtModel.Device.CPU;
      case "cuda" -> OrtModel.Device.CUDA;
      default -> throw new UsageException("--device: expected cpu or cuda, got '" + d + "'");
    };
  }
}
