package org.mgm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.runtime.OrtModel;
import org.mgm.runtime.ImageGrid;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;

/**
 * {@code mgm sample GENERATOR.onnx --n N --seed S --out DIR}: serves a generator with ONNX Runtime.
 * Every float input gets standard-normal latents with the batch (symbolic) dimension set to N.
 */
final class SampleCommand extends Command {
  @Override
  public String name() {
    return "sample";
  }

  @Override
  public String summary() {
    return "draw N samples from an ONNX generator with ONNX Runtime (.npy, and a PNG grid for images)";
  }

  @Override
  protected String positionalOption() {
    return "model";
  }

  @Override
  protected Options options() {
    Options o = new Options();
    o.addOption(Option.builder().longOpt("model").hasArg().argName("GENERATOR.onnx").required().desc("the generator").build());
    o.addOption(Option.builder().longOpt("n").hasArg().argName("N").required().desc("number of samples").build());
    o.addOption(Option.builder().longOpt("seed").hasArg().argName("S").desc("latent seed (default 0)").build());
    o.addOption(Option.builder().longOpt("out").hasArg().argName("DIR").required().desc("output directory").build());
    o.addOption(Option.builder().longOpt("device").hasArg().argName("cpu|cuda").desc("default: cpu").build());
    return o;
  }

  @Override
  protected int execute(CommandLine cmd) throws Exception {
    Path file = Path.of(cmd.getOptionValue("model"));
    int n = (int) parseDouble("n", cmd.getOptionValue("n"));
    if (n < 1) {
      throw new UsageException("--n: expected a positive count, got " + n);
    }
    long seed = (long) parseDouble("seed", cmd.getOptionValue("seed", "0"));
    OrtModel.Device device = InferCommand.parseDevice(cmd.getOptionValue("device", "cpu"));
    ModelProto model = OnnxModelFile.read(file);
    Map<String, HostTensor> latents = TensorArgs.completeWithRandom(model, new LinkedHashMap<>(), n, seed);
    for (Map.Entry<String, HostTensor> e : latents.entrySet()) {
      if (e.getValue().shape().length == 0 || e.getValue().shape()[0] != n) {
        throw new UsageException(file + ": input '" + e.getKey() + "' has no batch dimension to draw " + n + " samples");
      }
    }
    Path out = Path.of(cmd.getOptionValue("out"));
    Files.createDirectories(out);
    Map<String, HostTensor> outputs;
    try (OrtModel m = OrtModel.open(file, device)) {
      outputs = m.run(latents);
    }
    for (Map.Entry<String, HostTensor> e : latents.entrySet()) {
      Npy.write(out.resolve("latent_" + safe(e.getKey()) + ".npy"), e.getValue());
    }
    for (Map.Entry<String, HostTensor> e : outputs.entrySet()) {
      Npy.write(out.resolve("samples_" + safe(e.getKey()) + ".npy"), e.getValue());
      String grid = "";
      if (ImageGrid.isImageBatch(e.getValue())) {
        Path png = out.resolve("grid_" + safe(e.getKey()) + ".png");
        ImageGrid.write(png, e.getValue(), (int) Math.ceil(Math.sqrt(n)));
        grid = ", grid " + png.getFileName();
      }
      System.out.println(e.getKey() + " " + e.getValue() + " -> " + out + grid);
    }
    return 0;
  }

  private static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9_.-]", "_");
  }
}
