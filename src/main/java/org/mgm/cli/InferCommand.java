package org.mgm.cli;

import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;

/** {@code mgm infer MODEL.onnx --input NAME=FILE.npy --output OUT.npy}: one forward pass, ORT or TF. */
final class InferCommand extends Command {
  @Override
  public String name() {
    return "infer";
  }

  @Override
  public String summary() {
    return "run an ONNX model on .npy inputs with ONNX Runtime or the TF import";
  }

  @Override
  protected String positionalOption() {
    return "model";
  }

  @Override
  protected Options options() {
    Options o = new Options();
    o.addOption(Option.builder().longOpt("model").hasArg().argName("MODEL.onnx").required().desc("the model").build());
    o.addOption(Option.builder().longOpt("input").hasArgs().argName("NAME=FILE.npy").required()
        .desc("an input value (repeatable)").build());
    o.addOption(Option.builder().longOpt("output").hasArg().argName("OUT.npy").required().desc("where to write").build());
    o.addOption(Option.builder().longOpt("output-name").hasArg().argName("NAME").desc("which output (default: first)").build());
    o.addOption(Option.builder().longOpt("engine").hasArg().argName("ort|tf").desc("default: ort").build());
    o.addOption(Option.builder().longOpt("device").hasArg().argName("cpu|cuda").desc("ORT device (default: cpu)").build());
    return o;
  }

  @Override
  protected int execute(CommandLine cmd) throws Exception {
    Path file = Path.of(cmd.getOptionValue("model"));
    String engine = cmd.getOptionValue("engine", "ort");
    OrtModel.Device device = parseDevice(cmd.getOptionValue("device", "cpu"));
    if (!engine.equals("ort") && !engine.equals("tf")) {
      throw new UsageException("--engine: expected ort or tf, got '" + engine + "'");
    }
    ModelProto model = OnnxModelFile.read(file);
    Map<String, HostTensor> inputs = TensorArgs.read(cmd.getOptionValues("input"));
    TensorArgs.completeWithRandom(model, inputs, 1, 0).keySet().stream().filter(n -> !inputs.containsKey(n))
        .findFirst().ifPresent(n -> {
          throw new UsageException("--input: no value for model input '" + n + "'");
        });
    Map<String, HostTensor> outputs;
    if (engine.equals("ort")) {
      try (OrtModel m = OrtModel.open(file, device)) {
        outputs = m.run(inputs);
      }
    } else {
      try (ImportedSession s = new ImportedSession(model, ImportOptions.frozen("m"), file.toString())) {
        outputs = s.infer(inputs);
      }
    }
    String name = cmd.getOptionValue("output-name", outputs.keySet().iterator().next());
    HostTensor y = outputs.get(name);
    if (y == null) {
      throw new UsageException("--output-name: no output '" + name + "' (outputs: " + outputs.keySet() + ")");
    }
    Npy.write(Path.of(cmd.getOptionValue("output")), y);
    System.out.println(name + " " + y + " -> " + cmd.getOptionValue("output") + " (" + engine + ")");
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
