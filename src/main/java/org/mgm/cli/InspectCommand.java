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
import org.mgm.tf.OpPolicy;
import org.mgm.tf.TfModel;
import org.mgm.tf.TfModelSummary;
import org.mgm.runtime.ChildJvm;
import org.mgm.runtime.Json;

/**
 * {@code mgm inspect MODEL}: what a model is (ONNX, or a TF SavedModel / MetaGraph + checkpoint /
 * frozen GraphDef) and whether this toolkit can import and differentiate it.
 */
final class InspectCommand extends Command {
  @Override
  public String name() {
    return "inspect";
  }

  @Override
  public String summary() {
    return "format, inputs/outputs, parameters, op histogram, unsupported ops, gradient coverage (ONNX and TF)";
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
    o.addOption(Option.builder().longOpt("output").hasArgs().argName("NAME")
        .desc("TF models: outputs to describe (tensor, signature key or collection entry NAME[i]); repeatable").build());
    o.addOption(Option.builder().longOpt("json").desc("print JSON").build());
    o.addOption(ModelArg.allowOpOption());
    o.addOption(Option.builder().longOpt("no-gradients").desc("skip the gradient coverage probe").build());
    return o;
  }

  @Override
  protected int execute(CommandLine cmd) throws Exception {
    Path file = Path.of(cmd.getOptionValue("model"));
    if (TfModel.looksLikeTf(file)) {
      return inspectTf(cmd, file);
    }
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

  private static int inspectTf(CommandLine cmd, Path file) throws Exception {
    String signature = cmd.getOptionValue("signature", TfModel.DEFAULT_SIGNATURE);
    List<String> outputs = cmd.hasOption("output") ? List.of(cmd.getOptionValues("output")) : List.of();
    Map<String, Object> r;
    OpPolicy policy = ModelArg.policy(cmd);
    try (TfModel model = TfModel.open(file, signature, policy)) {
      r = TfModelSummary.of(model, outputs);
      r.put("allowed_ops", model.optedIn());
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> outs = (Map<String, Object>) r.get("outputs");
    if (!cmd.hasOption("no-gradients") && !outs.isEmpty()) {
      List<String> extra = new ArrayList<>(List.of("--signature", signature));
      extra.addAll(ModelArg.policyArgs(policy));
      outs.keySet().stream().findFirst().ifPresent(o -> extra.addAll(List.of("--output", o)));
      r.put("gradients_first_order", probe(file, false, extra));
      r.put("gradients_second_order", probe(file, true, extra));
    }
    if (cmd.hasOption("json")) {
      System.out.println(Json.write(r));
      return 0;
    }
    System.out.println(file);
    System.out.println("  format:      " + r.get("format") + ", " + r.get("producer"));
    for (Object o : (List<?>) r.get("inputs")) {
      Map<?, ?> v = (Map<?, ?>) o;
      System.out.printf("  input:       %s (%s) %s %s%n", v.get("name"), v.get("tensor"), v.get("type"), v.get("shape"));
    }
    outs.forEach((k, v) -> System.out.printf("  output:      %s (%s)%n", k, v));
    ((Map<?, ?>) r.get("collections")).forEach((k, v) -> System.out.println("  collection:  " + k + " = " + v));
    System.out.println("  functions:   " + r.get("functions") + " in the library; shown: " + r.get("scope"));
    System.out.printf("  variables:   %d (%,d values; %d legacy VariableV2)%n", (Integer) r.get("variables"),
        (Long) r.get("variable_values"), (Long) r.get("legacy_variables"));
    System.out.println("  nodes:       " + r.get("nodes"));
    System.out.println("  ops:         " + r.get("ops"));
    Map<?, ?> allowed = (Map<?, ?>) r.get("allowed_ops");
    if (allowed.isEmpty()) {
      System.out.println("  op policy:   pure computation only (" + OpPolicy.allowlist().size() + " ops on the allowlist)");
    } else {
      allowed.forEach((op, nodes) -> System.out.println("  allowed op:  " + op + " at " + nodes + " (--allow-op)"));
    }
    Map<?, ?> missing = (Map<?, ?>) r.getOrDefault("no_gradient", Map.of());
    if (!r.containsKey("no_gradient")) {
      System.out.println("  no gradient: (name outputs with --output to check the paths to them)");
    } else if (missing.isEmpty()) {
      System.out.println("  no gradient: none");
    } else {
      missing.forEach((op, nodes) -> System.out.println("  no gradient: " + op + " at " + nodes));
    }
    if (r.containsKey("gradients_first_order")) {
      System.out.println("  gradients:   first order (inputs, variables): " + r.get("gradients_first_order"));
      System.out.println("               second order (R1 penalty w.r.t. variables): " + r.get("gradients_second_order"));
    }
    return 0;
  }

  private static String probe(Path file, boolean secondOrder) throws Exception {
    return probe(file, secondOrder, List.of());
  }

  /**
   * Builds (without running) the gradients w.r.t. every input and parameter, or the R1 penalty's
   * gradient w.r.t. the parameters, in a child JVM: a gradient function that crashes TF's native
   * code then ends only the probe.
   */
  private static String probe(Path file, boolean secondOrder, List<String> extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("gradcheck", "--model", file.toString(), "--build-only"));
    args.addAll(extra);
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
