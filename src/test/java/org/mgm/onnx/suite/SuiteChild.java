package org.mgm.onnx.suite;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mgm.onnx.check.ImportedSession;
import org.mgm.onnx.importer.ImportOptions;
import org.mgm.onnx.importer.OnnxImporter;
import org.mgm.onnx.io.OnnxFormatException;
import org.mgm.onnx.io.OnnxModelFile;
import org.mgm.onnx.proto.OnnxModelProto.ModelProto;
import org.mgm.onnx.proto.OnnxModelProto.ValueInfoProto;
import org.mgm.tensor.ElementType;
import org.mgm.tensor.HostTensor;

/**
 * The child JVM of {@link OnnxBackendSuite}: runs the cases of a list through ONNX Runtime and
 * the TF import, one result line each, flushed at once, so that a native crash in TF loses only
 * the case it happened in. Before each phase it writes a marker line ("~ name phase") that tells
 * the parent where a crash happened; the TF and gradient phases' markers carry the results so far,
 * which a crash in a later phase leaves standing.
 *
 * <p>Arguments: suite root, case list (index.tsv lines), result file (appended), "grad" or "nograd".
 */
public final class SuiteChild {
  private SuiteChild() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    boolean grad = args[3].equals("grad");
    List<SuiteCase> cases = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[1]))) {
      String[] f = line.split("\t");
      cases.add(new SuiteCase(f[0], f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3])));
    }
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
      for (SuiteCase c : cases) {
        long t0 = System.nanoTime();
        CaseResult r = run(root.resolve(c.name()), c, grad,
            (phase, sofar) -> out.println("~\t" + c.name() + "\t" + phase + (sofar == null ? "" : "\t" + sofar.toLine())));
        out.println(r.withMillis((System.nanoTime() - t0) / 1_000_000).toLine());
      }
    }
    // TF's and ORT's native threads can outlive main; the parent waits for the exit code.
    System.exit(0);
  }

  /** A case's model and data sets, decoded once for both engines. */
  record Loaded(ModelProto model, List<Map<String, SuiteTensor>> inputs, List<List<SuiteTensor>> outputs,
      String notTensor) {}

  /** Told each phase as it starts, with the result so far where there is one. */
  interface Phases {
    void start(String phase, CaseResult sofar);
  }

  static CaseResult run(Path dir, SuiteCase c, boolean grad, Phases phase) {
    Loaded data;
    try {
      data = load(dir);
    } catch (IOException | RuntimeException e) {
      String why = "cannot read the case: " + e;
      return new CaseResult(c.name(), c.kind(), CaseResult.ERROR, why, CaseResult.ERROR, why, CaseResult.NONE,
          CaseResult.NONE, CaseResult.NONE, CaseResult.NONE, 0);
    }
    String scope = Scope.of(data.model());
    List<String> missing = new ArrayList<>(new OnnxImporter().unsupportedOps(data.model()).keySet());
    phase.start("ort", null);
    String[] ort = ort(dir, c, data);
    CaseResult r = new CaseResult(c.name(), c.kind(), CaseResult.NONE, CaseResult.NONE, ort[0], ort[1],
        scope == null ? CaseResult.NONE : scope, missing.isEmpty() ? CaseResult.NONE : String.join("; ", missing),
        CaseResult.NONE, CaseResult.NONE, 0);
    phase.start("tf", r);
    String[] tf = tf(c, data);
    r = r.withTf(tf[0], tf[1]);
    if (grad && r.tfPassed()) {
      phase.start("grad", r);
      String[] g = SuiteGradient.check(c, data);
      r = r.withGrad(g[0], g[1]);
    }
    return r;
  }

  static Loaded load(Path dir) throws IOException {
    ModelProto model = OnnxModelFile.read(dir.resolve("model.onnx"));
    String notTensor = null;
    List<ValueInfoProto> values = new ArrayList<>(model.getGraph().getInputList());
    values.addAll(model.getGraph().getOutputList());
    for (ValueInfoProto v : values) {
      if (!v.getType().hasTensorType()) {
        notTensor = "'" + v.getName() + "' is not a tensor (a sequence, optional or map)";
      }
    }
    // As ONNX's backends take the runner's positional inputs: the graph inputs that are not
    // initializers, in order (old models list their weights as graph inputs too).
    java.util.Set<String> initializers = new java.util.HashSet<>();
    model.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
    List<String> fedNames = model.getGraph().getInputList().stream().map(ValueInfoProto::getName)
        .filter(n -> !initializers.contains(n)).toList();
    List<Map<String, SuiteTensor>> inputs = new ArrayList<>();
    List<List<SuiteTensor>> outputs = new ArrayList<>();
    List<Path> sets;
    try (Stream<Path> s = Files.list(dir)) {
      sets = s.filter(p -> p.getFileName().toString().startsWith("test_data_set")).sorted().toList();
    }
    if (notTensor == null) {
      for (Path set : sets) {
        Map<String, SuiteTensor> in = new LinkedHashMap<>();
        for (int j = 0; Files.exists(set.resolve("input_" + j + ".pb")); j++) {
          in.put(fedNames.get(j), SuiteTensor.read(set.resolve("input_" + j + ".pb")));
        }
        List<SuiteTensor> out = new ArrayList<>();
        for (int j = 0; Files.exists(set.resolve("output_" + j + ".pb")); j++) {
          out.add(SuiteTensor.read(set.resolve("output_" + j + ".pb")));
        }
        inputs.add(in);
        outputs.add(out);
      }
    }
    return new Loaded(model, inputs, outputs, notTensor);
  }

  private static String[] ort(Path dir, SuiteCase c, Loaded data) {
    if (data.notTensor() != null) {
      return new String[] {CaseResult.SKIP, data.notTensor()};
    }
    try {
      for (int k = 0; k < data.inputs().size(); k++) {
        Map<String, SuiteTensor> got = SuiteOrt.run(dir.resolve("model.onnx"), data.inputs().get(k));
        String m = compare(data.model(), data.outputs().get(k), got, c);
        if (m != null) {
          return new String[] {CaseResult.WRONG, m};
        }
      }
      return new String[] {CaseResult.PASS, CaseResult.NONE};
    } catch (SuiteOrt.Unsupported e) {
      return new String[] {CaseResult.SKIP, e.getMessage()};
    } catch (ai.onnxruntime.OrtException e) {
      return new String[] {CaseResult.ERROR, SuiteOrt.message(e)};
    } catch (Exception | LinkageError e) {
      return new String[] {CaseResult.ERROR, e.getClass().getSimpleName() + ": " + e.getMessage()};
    }
  }

  private static String[] tf(SuiteCase c, Loaded data) {
    // frozen(): every tensor keeps the element type the model declares.
    try (ImportedSession s = new ImportedSession(data.model(), ImportOptions.frozen("m"), c.name())) {
      if (data.notTensor() != null) {
        throw new OnnxFormatException(data.notTensor());
      }
      for (int k = 0; k < data.inputs().size(); k++) {
        Map<String, SuiteTensor> got = new LinkedHashMap<>();
        s.infer(hostFeeds(data.inputs().get(k))).forEach((name, v) -> got.put(name, SuiteTensor.of(v)));
        String m = compare(data.model(), data.outputs().get(k), got, c);
        if (m != null) {
          return new String[] {CaseResult.WRONG, m};
        }
      }
      return new String[] {CaseResult.PASS, CaseResult.NONE};
    } catch (OnnxFormatException e) {
      return new String[] {CaseResult.REFUSED, e.getMessage()};
    } catch (Exception | LinkageError e) {
      return new String[] {CaseResult.ERROR, e.getClass().getSimpleName() + ": " + e.getMessage()};
    }
  }

  static Map<String, HostTensor> hostFeeds(Map<String, SuiteTensor> inputs) {
    Map<String, HostTensor> feeds = new LinkedHashMap<>();
    for (Map.Entry<String, SuiteTensor> e : inputs.entrySet()) {
      HostTensor h = e.getValue().toHost();
      if (h == null) {
        throw new OnnxFormatException("input '" + e.getKey() + "' has element type "
            + ElementType.onnxName(e.getValue().type()) + ", which the toolkit's tensors do not hold");
      }
      feeds.put(e.getKey(), h);
    }
    return feeds;
  }

  /** null when every declared output matches, else which one differs and how. */
  static String compare(ModelProto model, List<SuiteTensor> expected, Map<String, SuiteTensor> got, SuiteCase c) {
    for (int i = 0; i < expected.size(); i++) {
      String name = model.getGraph().getOutput(i).getName();
      SuiteTensor actual = got.get(name);
      if (actual == null) {
        return "output '" + name + "' missing; got " + got.keySet();
      }
      String m = expected.get(i).mismatch(actual, c.rtol(), c.atol());
      if (m != null) {
        return "output '" + name + "': " + m;
      }
    }
    return null;
  }
}
