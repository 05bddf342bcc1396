package org.mgm.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.mgm.onnx.check.ModelSummary;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.runtime.ChildJvm;
import org.mgm.runtime.Json;

/** {@code mgm inspect MODEL.onnx}: what a model is and whether this toolkit can import and differentiate it. */
final class InspectCommand extends Command {
  @Override
  public String name() {
    return "inspect";
  }

  @Override
  public String summary() {
    return "producer, opset, inputs/outputs, parameters, op histogram, unsupported ops, gradient coverage";
  }

  @Override
  protected String positionalOption() {
    return "model";
  }

  @Override
  protected Options options() {
    Options o = new Options();
    o.addOption(Option.builder().longOpt("model").hasArg().argName("MODEL.onnx").required().desc("the model").build());
    o.addOption(Option.builder().longOpt("json").desc("print JSON").build());
    o.addOption(Option.builder().longOpt("no-gradients").desc("skip the gradient coverage probe").build());
    return o;
  }

  @Override
  protected int execute(CommandLine cmd) throws Exception {
    Path file = Path.of(cmd.getOptionValue("model"));
    Map<String, Object> r = ModelSummary.of(OnnxModelFile.read(file));
    @SuppressWarnings("unchecked")
    Map<String, Object> unsupported = (Map<String, Object>) r.get("unsupported");
    if (!cmd.hasOption("no-gradients") && unsupported.isEmpty()) {
      r.put("gradients_first_order", probe(file, false));
      r.put("gradients_second_order", probe(file, true));
    }
    if (cmd.hasOption("json")) {
      System.out.println(Json.write(r));
    } else {
      print(file, r);
    }
    return 0;
  }

  /**
   * Builds (without running) the gradients w.r.t. every input and parameter, or the R1 penalty's
   * gradient w.r.t. the parameters, in a child JVM: a gradient function that crashes TF's native
   * code then ends only the probe.
   */
  private static String probe(Path file, boolean secondOrder) throws Exception {
    List<String> args = new ArrayList<>(List.of("gradcheck", "--model", file.toString(), "--build-only"));
    if (secondOrder) {
      args.add("--second-order");
    }
    ChildJvm.Outcome o = ChildJvm.run(args, false);
    if (o.exitCode() == 0) {
      return "ok";
    }
    String why = o.stdout().stream().filter(l -> l.startsWith("mgm: ")).map(l -> l.substring(5)).reduce((a, b) -> b)
        .orElse(o.crashed() ? "the TF runtime crashed (exit " + o.exitCode() + ")" : "exit " + o.exitCode());
    return "fails: " + why;
  }

  @SuppressWarnings("unchecked")
  private static void print(Path file, Map<String, Object> r) {
    System.out.println(file);
    System.out.println("  producer:    " + r.get("producer") + " (IR " + r.get("ir_version") + ")");
    System.out.println("  opsets:      " + r.get("opsets"));
    for (String io : new String[] {"inputs", "outputs"}) {
      for (Object o : (List<Object>) r.get(io)) {
        Map<String, Object> v = (Map<String, Object>) o;
        System.out.printf("  %-12s %s %s %s%n", io.substring(0, io.length() - 1) + ":", v.get("name"), v.get("type"),
            v.get("shape"));
      }
    }
    System.out.printf("  parameters:  %,d float values in %d initializers (%,d integer constant values)%n",
        (Long) r.get("float_parameters"), (Integer) r.get("initializers"), (Long) r.get("integer_constants"));
    System.out.println("  nodes:       " + r.get("nodes"));
    System.out.println("  ops:         " + r.get("ops"));
    Map<String, Object> unsupported = (Map<String, Object>) r.get("unsupported");
    if (unsupported.isEmpty()) {
      System.out.println("  unsupported: none");
    } else {
      unsupported.forEach((op, nodes) -> System.out.println("  unsupported: " + op + " at " + nodes));
    }
    if (r.containsKey("gradients_first_order")) {
      System.out.println("  gradients:   first order (inputs, parameters): " + r.get("gradients_first_order"));
      System.out.println("               second order (R1 penalty w.r.t. parameters): " + r.get("gradients_second_order"));
    }
  }
}
