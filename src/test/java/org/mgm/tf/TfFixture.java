package org.mgm.tf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mgm.tensor.HostTensor;
import org.mgm.tensor.Npy;
import org.yaml.snakeyaml.Yaml;

/**
 * One model written by real TensorFlow with TF's own outputs and input gradients beside it, as
 * the fixture scripts in export-tools describe it in {@code manifest.json} (JSON is YAML, so
 * SnakeYAML reads it).
 */
record TfFixture(String name, Path dir, Map<String, Object> manifest) {
  static TfFixture read(Path dir) throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) new Yaml().load(Files.readString(dir.resolve("manifest.json")));
    return new TfFixture(dir.getFileName().toString(), dir, m);
  }

  Path model() {
    return dir.resolve((String) manifest.get("model"));
  }

  /** Input name (as the loader names it: signature key, or placeholder node) → value. */
  Map<String, HostTensor> inputs() throws Exception {
    Map<String, HostTensor> m = new LinkedHashMap<>();
    for (Map<String, Object> in : list("inputs")) {
      m.put(loaderName((String) in.get("name")), Npy.read(dir.resolve((String) in.get("file"))));
    }
    return m;
  }

  /** Output name → TF's value. */
  Map<String, HostTensor> outputs() throws Exception {
    Map<String, HostTensor> m = new LinkedHashMap<>();
    for (Map<String, Object> out : list("outputs")) {
      m.put((String) out.get("name"), Npy.read(dir.resolve((String) out.get("file"))));
    }
    return m;
  }

  /** TF's d sum(output · v) / d input for one output, cotangent and input. */
  record GradientCase(String output, HostTensor cotangent, String input, HostTensor gradient) {}

  /**
   * The gradients TF computed. Two manifest shapes: one cotangent for the first output with
   * {@code gradients: {input: file}}, or {@code gradients: {file: {output, cotangent, wrt}}}.
   */
  @SuppressWarnings("unchecked")
  List<GradientCase> gradients() throws Exception {
    List<GradientCase> cases = new java.util.ArrayList<>();
    Map<String, Object> grads = (Map<String, Object>) manifest.get("gradients");
    for (Map.Entry<String, Object> e : grads.entrySet()) {
      if (e.getValue() instanceof Map<?, ?> spec) {
        cases.add(new GradientCase((String) spec.get("output"), Npy.read(dir.resolve((String) spec.get("cotangent"))),
            loaderName((String) spec.get("wrt")), Npy.read(dir.resolve(e.getKey()))));
      } else {
        Map<String, Object> cot = (Map<String, Object>) manifest.get("cotangent");
        cases.add(new GradientCase((String) cot.get("output"), Npy.read(dir.resolve((String) cot.get("file"))),
            loaderName(e.getKey()), Npy.read(dir.resolve((String) e.getValue()))));
      }
    }
    return cases;
  }

  @SuppressWarnings("unchecked")
  List<String> variables() {
    return (List<String>) manifest.getOrDefault("variables", List.of());
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> list(String key) {
    return (List<Map<String, Object>>) manifest.get(key);
  }

  /** Placeholders are inputs by node name; TF's fixtures may write the tensor name. */
  static String loaderName(String name) {
    return name.endsWith(":0") ? name.substring(0, name.length() - 2) : name;
  }
}
