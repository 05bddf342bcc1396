package org.mgm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.mgm.onnx.check.GradientCheck;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.InitializerPolicy;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.mgm.tf.TfGraphImporter;
import org.mgm.tf.TfModel;
import org.tensorflow.Output;

/**
 * {@code mgm gradcheck MODEL}: TF gradients of an ONNX or TF model (float64) against central
 * finite differences; exit 1 over tolerance. With --cotangent and --save-grad it writes
 * d sum(output · v) / d(each input and parameter) as .npy for comparison with PyTorch autograd.
 */
final class GradcheckCommand extends Command {
  /** Finite-difference step and tolerance where float32 ops sit in the float64 graph. */
  private static final String FLOAT32_STEP = "1e-3";
  private static final String FLOAT32_TOLERANCE = "1e-2";

  @Override
  public String name() {
    return "gradcheck";
  }

  @Override
  public String summary() {
    return "TF gradients of an ONNX or TF model vs finite differences (float64); optional .npy gradients";
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
    o.addOption(Option.builder().longOpt("signature").hasArg().argName("KEY").desc("SavedModel signature (default serving_default)").build());
    o.addOption(Option.builder().longOpt("input").hasArgs().argName("NAME=FILE.npy")
        .desc("an input value (repeatable); missing float inputs are random normal").build());
    o.addOption(Option.builder().longOpt("wrt").hasArg().argName("inputs|params|all").desc("default: all").build());
    o.addOption(Option.builder().longOpt("output").hasArg().argName("NAME").desc("output to check (default: first)").build());
    o.addOption(Option.builder().longOpt("samples").hasArg().argName("N").desc("coordinates per tensor (default 20)").build());
    o.addOption(Option.builder().longOpt("tolerance").hasArg().argName("T").desc("max relative error (default 1e-4)").build());
    o.addOption(Option.builder().longOpt("step").hasArg().argName("H").desc("finite-difference step (default 1e-6)").build());
    o.addOption(Option.builder().longOpt("batch").hasArg().argName("N").desc("size of symbolic dims (default 2)").build());
    o.addOption(Option.builder().longOpt("seed").hasArg().argName("S").desc("random inputs/cotangent/coords (default 1)").build());
    o.addOption(Option.builder().longOpt("second-order").desc("check the R1 penalty's gradient w.r.t. parameters").build());
    o.addOption(Option.builder().longOpt("build-only").desc("only build the gradient ops (coverage probe)").build());
    o.addOption(ModelArg.allowOpOption());
    o.addOption(Option.builder().longOpt("cotangent").hasArg().argName("FILE.npy").desc("v of sum(output · v)").build());
    o.addOption(Option.builder().longOpt("save-grad").hasArg().argName("DIR").desc("write grad_<name>.npy files").build());
    return o;
  }

  @Override
  protected int execute(CommandLine cmd) throws Exception {
    Path file = Path.of(cmd.getOptionValue("model"));
    String wrtMode = cmd.getOptionValue("wrt", "all");
    if (!List.of("inputs", "params", "all").contains(wrtMode)) {
      throw new UsageException("--wrt: expected inputs, params or all, got '" + wrtMode + "'");
    }
    if (cmd.hasOption("save-grad") != cmd.hasOption("cotangent")) {
      throw new UsageException("--save-grad and --cotangent go together");
    }
    boolean secondOrder = cmd.hasOption("second-order");
    long seed = (long) parseDouble("seed", cmd.getOptionValue("seed", "1"));
    HostTensor cotangent = cmd.hasOption("cotangent") ? Npy.read(Path.of(cmd.getOptionValue("cotangent"))) : null;
    ImportOptions options = ImportOptions.frozen("m").withFloatType(ElementType.FLOAT64)
        .withInitializers(wrtMode.equals("inputs") && !secondOrder ? InitializerPolicy.allFrozen() : InitializerPolicy.allFed())
        .withTwiceDifferentiable(secondOrder);
    long batch = (long) parseDouble("batch", cmd.getOptionValue("batch", "2"));
    Map<String, HostTensor> given = TensorArgs.read(cmd.getOptionValues("input"));
    try (ModelArg model = ModelArg.open(file, cmd.getOptionValue("signature", TfModel.DEFAULT_SIGNATURE),
        ModelArg.policy(cmd))) {
      Map<String, HostTensor> onnxInputs = model.isTf() ? null : TensorArgs.completeWithRandom(model.onnx(), given, batch, seed);
      if (model.isTf() && cmd.hasOption("output")) {
        options = options.withOutputs(List.of(cmd.getOptionValue("output")));
      }
      List<String> float32 = model.isTf() ? TfGraphImporter.float32Nodes(model.tf()) : List.of();
      try (ImportedSession s = new ImportedSession(model.importer(), options)) {
        Map<String, HostTensor> inputs = model.isTf() ? TensorArgs.completeWithRandom(s.imported().inputs(), given, batch, seed) : onnxInputs;
        return check(cmd, s, inputs, cotangent, wrtMode, secondOrder, seed, float32);
      }
    }
  }

  private int check(CommandLine cmd, ImportedSession s, Map<String, HostTensor> inputs, HostTensor cotangent,
      String wrtMode, boolean secondOrder, long seed, List<String> float32) throws Exception {
    String output = cmd.getOptionValue("output", s.imported().outputs().keySet().iterator().next());
    List<String> wrt = new ArrayList<>();
    if (!secondOrder && !wrtMode.equals("params")) {
      wrt.addAll(s.imported().inputs().keySet().stream().filter(n -> inputs.get(n).type().isFloating()).toList());
    }
    if (secondOrder || !wrtMode.equals("inputs")) {
      wrt.addAll(s.imported().fed().keySet());
    }
    Output<?> target = secondOrder ? s.inputGradientPenalty(output, s.imported().inputs().keySet().iterator().next())
        : s.imported().output(output);
    if (cmd.hasOption("build-only")) {
      s.vectorJacobian(target, wrt);
      System.out.println("gradients build for " + wrt.size() + " tensors" + (secondOrder ? " (second order)" : ""));
      return 0;
    }
    if (cotangent != null) {
      saveGradients(s, output, inputs, wrt, cotangent, Path.of(cmd.getOptionValue("save-grad")));
    }
    HostTensor v = secondOrder ? HostTensor.of(new double[] {1.0})
        : cotangent != null ? cotangent : GradientCheck.randomCotangent(s.infer(inputs).get(output).shape(), seed);
    int samples = (int) parseDouble("samples", cmd.getOptionValue("samples", "20"));
    // Ops without float64 kernels run in float32 inside the float64 graph: a 1e-6 step is below
    // float32's resolution there, so the defaults become ones that fit float32 round-off.
    double tolerance = parseDouble("tolerance", cmd.getOptionValue("tolerance", float32.isEmpty() ? "1e-4" : FLOAT32_TOLERANCE));
    double step = parseDouble("step", cmd.getOptionValue("step", float32.isEmpty() ? "1e-6" : FLOAT32_STEP));
    if (!float32.isEmpty()) {
      System.out.printf(Locale.ROOT, "note: no float64 kernel for %d node(s) (%s%s): computed in float32; step %s,"
          + " tolerance %s unless given%n", float32.size(), float32.get(0), float32.size() > 1 ? ", ..." : "",
          FLOAT32_STEP, FLOAT32_TOLERANCE);
    }
    List<GradientCheck.Result> results = GradientCheck.run(s, target, inputs, wrt, v, samples, step, seed);
    double worst = 0;
    System.out.printf(Locale.ROOT, "%-40s %8s %12s %12s%n", "d/d", "checked", "max |error|", "relative");
    for (GradientCheck.Result r : results) {
      System.out.printf(Locale.ROOT, "%-40s %8d %12.3e %12.3e%n", r.name(), r.checked(), r.maxAbsError(),
          r.relativeError());
      worst = Math.max(worst, r.relativeError());
    }
    System.out.printf(Locale.ROOT, "max relative error %.3e (tolerance %.1e)%s%n", worst, tolerance,
        secondOrder ? ", second order (R1 penalty)" : "");
    return worst <= tolerance ? 0 : 1;
  }

  private static void saveGradients(ImportedSession s, String output, Map<String, HostTensor> inputs, List<String> wrt,
      HostTensor v, Path dir) throws Exception {
    var vj = s.vectorJacobian(output, wrt);
    Map<String, HostTensor> feeds = new java.util.HashMap<>(inputs);
    Map<String, HostTensor> grads = s.runVectorJacobian(vj, feeds, v);
    Files.createDirectories(dir);
    for (String name : wrt) {
      Npy.write(dir.resolve("grad_" + name.replaceAll("[^A-Za-z0-9_.-]", "_") + ".npy"), grads.get(name));
    }
    System.out.println("wrote " + wrt.size() + " gradients (float64) to " + dir);
  }
}
