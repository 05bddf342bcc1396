package org.mgm.onnx.suite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** One case of export-tools/onnx_backend_suite.py's index: its name, kind and the runner's tolerances. */
record SuiteCase(String name, String kind, double rtol, double atol) {
  static List<SuiteCase> index(Path root) throws IOException {
    List<SuiteCase> cases = new ArrayList<>();
    List<String> lines = Files.readAllLines(root.resolve("index.tsv"));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t");
      cases.add(new SuiteCase(f[0], f[1], Double.parseDouble(f[2]), Double.parseDouble(f[3])));
    }
    return cases;
  }

  static List<SuiteCase> filtered(List<SuiteCase> cases, String regex) {
    if (regex == null || regex.isBlank()) {
      return cases;
    }
    Pattern p = Pattern.compile(regex);
    return cases.stream().filter(c -> p.matcher(c.name()).find()).toList();
  }
}
