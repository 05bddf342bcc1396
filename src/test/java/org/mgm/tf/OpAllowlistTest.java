package org.mgm.tf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mgm.model.MlpSpec;
import org.mgm.model.MlpWeights;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;
import org.yaml.snakeyaml.Yaml;

/**
 * The allowlist of pure computation is wide enough for the models people use: every op of the
 * ten Keras applications and of the common Keras layer types (traced by real TF 2.21, inference
 * and training), and every model the toolkit's own tests and exporter make or ship (a TF1 training
 * .meta with its optimizer and summaries included), opens with the standard policy and nothing
 * opted in.
 */
class OpAllowlistTest {
  @Test
  void everyOpOfTheKerasApplicationsAndLayerTypesIsOnTheAllowlist() throws Exception {
    RequiredTools.require(Tool.TF_VENV);
    TfPython.Run r = TfPython.run("export-tools/keras_op_inventory.py");
    assertEquals(0, r.code(), r.output());
    String json = r.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
    @SuppressWarnings("unchecked")
    Map<String, List<String>> inventory = (Map<String, List<String>>) new Yaml().load(json);
    assertTrue(inventory.keySet().containsAll(List.of("MobileNetV2", "ResNet50", "ConvNeXtTiny", "NASNetMobile",
        "recurrent-layers")), inventory.keySet().toString());
    Map<String, List<String>> missing = new TreeMap<>();
    inventory.forEach((model, ops) -> ops.stream().filter(op -> !OpPolicy.isPure(op))
        .forEach(op -> missing.computeIfAbsent(op, k -> new ArrayList<>()).add(model)));
    assertEquals(Map.of(), missing, "ops of Keras models outside the allowlist");
  }

  @Test
  void everyModelOfTheToolkitsTestsOpensWithNothingOptedIn(@TempDir Path tmp) throws Exception {
    RequiredTools.require(Tool.TF_VENV);
    for (String script : List.of("export-tools/make_tf_fixtures.py", "export-tools/make_tf_export_fixtures.py")) {
      TfPython.Run r = TfPython.run(script, "--out", tmp.resolve(Path.of(script).getFileName().toString()).toString());
      assertEquals(0, r.code(), r.output());
    }
    LinkedHashMap<String, Integer> inputs = new LinkedHashMap<>();
    inputs.put("condition", 3);
    inputs.put("noise", 2);
    MlpSavedModelExporter.export(tmp.resolve("toolkit-mlp"), MlpWeights.pytorchDefault(MlpSpec.of(5, 16, 3, 2, 0.2f), 4),
        inputs, "y");
    TfPython.Run cyclegan = TfPython.run("export-tools/tf1_cyclegan.py", "--fixture", "--out",
        tmp.resolve("tf1-cyclegan").toString());
    assertEquals(0, cyclegan.code(), cyclegan.output());
    List<Path> models = new ArrayList<>();
    for (Path root : List.of(tmp, Path.of("models"))) { // the shipped mixers too
      try (Stream<Path> files = Files.walk(root)) {
        files.filter(OpAllowlistTest::isModel).sorted().forEach(models::add);
      }
    }
    assertTrue(models.size() >= 20, "models found: " + models);
    for (Path m : models) {
      Path open = m.getFileName().toString().equals("saved_model.pb") ? m.getParent() : m;
      try (TfModel model = TfModel.open(open, TfModel.DEFAULT_SIGNATURE)) {
        assertEquals(Map.of(), model.optedIn(), open.toString());
      }
    }
  }

  private static boolean isModel(Path p) {
    String name = p.getFileName().toString();
    return name.equals("saved_model.pb") || name.endsWith(".meta")
        || (name.endsWith(".pb") && !name.equals("fingerprint.pb") && !p.getParent().getFileName().toString().equals("variables"));
  }
}
