package org.mgm.onnx.suite;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mgm.testing.RequiredTools;
import org.mgm.testing.Tool;

/**
 * ONNX's own backend test suite (node, simple, pytorch-converted, pytorch-operator and the light
 * model-zoo models) through the TF import, with ONNX Runtime's count beside it, against the
 * expected-failures list. See docs/onnx-coverage.md for the properties:
 * {@code mgm.suite.filter} (a regex over case names: run those only, print each),
 * {@code mgm.suite.update} (rewrite the list from the results), {@code mgm.suite.grad}
 * (false: skip the gradient checks).
 */
class OnnxBackendSuiteTest {
  private static final Path DATA = Path.of("target/onnx-backend");
  private static final Path WORK = Path.of("target/onnx-backend-run");

  @Test
  void suiteMatchesTheExpectedFailures() throws Exception {
    RequiredTools.require(Tool.TF_VENV);
    String filter = System.getProperty("mgm.suite.filter", "");
    boolean update = Boolean.getBoolean("mgm.suite.update");
    boolean grad = !"false".equals(System.getProperty("mgm.suite.grad"));
    List<SuiteCase> all = OnnxBackendSuite.generate(DATA);
    List<SuiteCase> cases = SuiteCase.filtered(all, filter);
    assertTrue(!cases.isEmpty(), "no suite case matches " + filter);
    long start = System.nanoTime();
    Map<String, CaseResult> results = OnnxBackendSuite.run(DATA, cases, WORK, grad, System.out::println);
    System.out.printf("ONNX backend suite: %d cases in %.0f s%n", cases.size(), (System.nanoTime() - start) / 1e9);
    if (!filter.isEmpty()) {
      results.values().forEach(r -> System.out.println(caseLine(r)));
    }
    Map<String, ExpectedFailures.Entry> listed = ExpectedFailures.read(ExpectedFailures.FILE);
    printCounts(results, listed);
    if (update) {
      ExpectedFailures.update(ExpectedFailures.FILE, listed, results, all);
      System.out.println("rewrote " + ExpectedFailures.FILE);
      listed = ExpectedFailures.read(ExpectedFailures.FILE);
    }
    List<String> problems = ExpectedFailures.problems(listed, results, filter.isEmpty(),
        all.stream().map(SuiteCase::name).toList());
    problems.forEach(System.out::println);
    assertTrue(problems.isEmpty(), problems.size() + " differences from " + ExpectedFailures.FILE
        + " (listed above; -Dmgm.suite.update=true rewrites it):\n" + String.join("\n", problems.subList(0,
        Math.min(40, problems.size()))));
  }

  private static String caseLine(CaseResult r) {
    String tf = r.tfPassed() ? "PASS" : r.tf() + " " + r.tfDetail();
    String g = r.grad().equals(CaseResult.NONE) ? "" : "  grad " + r.grad()
        + (r.gradDetail().equals(CaseResult.NONE) ? "" : " " + r.gradDetail());
    return String.format("  %-50s tf %s | ort %s%s", r.name(), tf, r.ort(), g);
  }

  private static void printCounts(Map<String, CaseResult> results, Map<String, ExpectedFailures.Entry> listed) {
    Map<String, List<CaseResult>> byKind = results.values().stream()
        .collect(Collectors.groupingBy(CaseResult::kind, TreeMap::new, Collectors.toList()));
    System.out.println("pass counts by suite kind (TF import | ONNX Runtime, of cases):");
    byKind.forEach((kind, rs) -> System.out.printf("  %-18s TF %4d | ORT %4d | of %4d%n", kind,
        count(rs, CaseResult::tf, CaseResult.PASS), count(rs, CaseResult::ort, CaseResult.PASS), rs.size()));
    List<CaseResult> rs = List.copyOf(results.values());
    System.out.printf("  %-18s TF %4d | ORT %4d | of %4d%n", "all", count(rs, CaseResult::tf, CaseResult.PASS),
        count(rs, CaseResult::ort, CaseResult.PASS), rs.size());
    System.out.println("TF outcomes: " + rs.stream().collect(Collectors.groupingBy(CaseResult::tf, TreeMap::new,
        Collectors.counting())));
    System.out.println("gradient checks: " + rs.stream().filter(r -> !r.grad().equals(CaseResult.NONE))
        .collect(Collectors.groupingBy(CaseResult::grad, TreeMap::new, Collectors.counting())));
    Map<String, Long> byReason = new TreeMap<>();
    for (CaseResult r : rs) {
      ExpectedFailures.Entry e = ExpectedFailures.entryFor(r, listed.get(r.name()));
      if (e != null) {
        byReason.merge(ExpectedFailures.reasonKey(r, e), 1L, Long::sum);
      }
    }
    System.out.println("failures by reason (cases):");
    byReason.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> System.out.printf("  %5d  %s%n", e.getValue(), e.getKey()));
    printMissingOps(rs);
    System.out.println("slowest cases (s):");
    rs.stream().sorted((a, b) -> Long.compare(b.millis(), a.millis())).limit(8)
        .forEach(r -> System.out.printf("  %7.1f  %s%n", r.millis() / 1e3, r.name()));
  }

  /** Per missing op type: the in-scope cases that need it, and those it alone stands in the way of. */
  private static void printMissingOps(List<CaseResult> rs) {
    Map<String, int[]> ops = new TreeMap<>();
    for (CaseResult r : rs) {
      if (r.tfPassed() || r.missing().equals(CaseResult.NONE) || !r.scope().equals(CaseResult.NONE)) {
        continue;
      }
      String[] missing = r.missing().split("; ");
      for (String op : missing) {
        int[] n = ops.computeIfAbsent(op, k -> new int[2]);
        n[0]++;
        if (missing.length == 1) {
          n[1]++;
        }
      }
    }
    System.out.println("missing op types, in-scope cases (needed by | the only missing op in):");
    ops.entrySet().stream().sorted((a, b) -> b.getValue()[0] - a.getValue()[0])
        .forEach(e -> System.out.printf("  %-60s %4d | %4d%n", e.getKey(), e.getValue()[0], e.getValue()[1]));
  }

  private static long count(List<CaseResult> rs, Function<CaseResult, String> f, String outcome) {
    return rs.stream().filter(r -> f.apply(r).equals(outcome)).count();
  }
}
