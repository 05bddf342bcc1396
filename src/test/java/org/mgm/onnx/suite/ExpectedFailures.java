package org.mgm.onnx.suite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * src/test/resources/onnx-backend/expected-failures.tsv: the suite cases that do not pass, with
 * their outcome and why. A reason starting "out of scope: " is a category written by hand (or by
 * {@link Scope}) and survives updates, as does one starting "kink: " (a gradient check whose data
 * sits on a point where the op is not differentiable, said by hand); any other reason is the
 * case's refusal or error line.
 */
final class ExpectedFailures {
  static final Path FILE = Path.of("src/test/resources/onnx-backend/expected-failures.tsv");
  private static final String HEADER = """
      # ONNX backend suite cases the TF import does not pass (OnnxBackendSuiteTest; docs/onnx-coverage.md).
      # name<TAB>outcome<TAB>reason. outcome: WRONG, REFUSED, ERROR, CRASH for the forward run; GRAD_WRONG,
      # GRAD_ERROR, GRAD_CRASH for a forward pass whose gradient check fails. Regenerate with
      # mvn -B -o test -Dtest=OnnxBackendSuiteTest -Dmgm.suite.update=true (keeps "out of scope: " reasons).
      """;

  record Entry(String name, String outcome, String reason) {
    String line() {
      return name + "\t" + outcome + "\t" + reason;
    }
  }

  private ExpectedFailures() {}

  static Map<String, Entry> read(Path file) throws IOException {
    Map<String, Entry> m = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return m;
    }
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", 3);
      if (f.length != 3) {
        throw new IllegalArgumentException(file + ": not name<TAB>outcome<TAB>reason: " + line);
      }
      m.put(f[0], new Entry(f[0], f[1], f[2]));
    }
    return m;
  }

  static final String KINK = "kink: ";

  static boolean handWritten(String reason) {
    return reason.startsWith(Scope.PREFIX) || reason.startsWith(KINK);
  }

  /** The list's line for a result, or null for a pass. */
  static Entry entryFor(CaseResult r, Entry old) {
    String outcome = r.listedOutcome();
    if (outcome.equals(CaseResult.PASS)) {
      return null;
    }
    String reason;
    if (old != null && handWritten(old.reason()) && old.outcome().equals(outcome)) {
      reason = old.reason();
    } else if (!r.scope().equals(CaseResult.NONE) && !outcome.startsWith("GRAD_")) {
      reason = r.scope();
    } else {
      reason = r.listedDetail();
    }
    return new Entry(r.name(), outcome, reason);
  }

  /**
   * Rewrites the list: the results' entries replace those of the same cases; entries of cases
   * not run this time (a filtered run) stay; the order is the suite's.
   */
  static void update(Path file, Map<String, Entry> old, Map<String, CaseResult> results, List<SuiteCase> all)
      throws IOException {
    Map<String, Entry> merged = new LinkedHashMap<>();
    for (SuiteCase c : all) {
      CaseResult r = results.get(c.name());
      Entry e = r != null ? entryFor(r, old.get(c.name())) : old.get(c.name());
      if (e != null) {
        merged.put(c.name(), e);
      }
    }
    List<String> lines = new ArrayList<>(HEADER.lines().toList());
    merged.values().forEach(e -> lines.add(e.line()));
    Files.createDirectories(file.getParent());
    Files.write(file, lines);
  }

  /** What is wrong with the list against these results (empty when it matches). */
  static List<String> problems(Map<String, Entry> listed, Map<String, CaseResult> results, boolean wholeSuite,
      Collection<String> suiteNames) {
    List<String> problems = new ArrayList<>();
    for (CaseResult r : results.values()) {
      Entry e = listed.get(r.name());
      String outcome = r.listedOutcome();
      if (e == null && !outcome.equals(CaseResult.PASS)) {
        problems.add("not listed, fails (regression?): " + r.name() + " " + outcome + ": " + r.listedDetail());
      } else if (e != null && outcome.equals(CaseResult.PASS)) {
        problems.add("listed, now passes: remove the line: " + e.line());
      } else if (e != null && !e.outcome().equals(outcome)) {
        problems.add("listed as " + e.outcome() + ", now " + outcome + ": " + r.name() + ": " + r.listedDetail());
      }
    }
    if (wholeSuite) {
      for (Entry e : listed.values()) {
        if (!suiteNames.contains(e.name())) {
          problems.add("listed, not in the suite: remove the line: " + e.line());
        }
      }
    }
    return problems;
  }

  private static final Pattern OPSET = Pattern.compile("opset (\\d+) is not supported");
  private static final Pattern ELEMENT_TYPE = Pattern.compile("element type (\\w+), which is not supported");

  /** A reason with the case's own names taken out, for counting cases by reason. */
  static String reasonKey(CaseResult r, Entry e) {
    if (e.reason().startsWith(Scope.PREFIX)) {
      return e.reason();
    }
    if (e.reason().startsWith(KINK)) {
      return e.outcome() + ": kink";
    }
    if (e.outcome().equals(CaseResult.REFUSED)) {
      if (!r.missing().equals(CaseResult.NONE)) {
        return "REFUSED: missing op " + r.missing();
      }
      Matcher m = OPSET.matcher(e.reason());
      if (m.find()) {
        return "REFUSED: opset " + m.group(1);
      }
      m = ELEMENT_TYPE.matcher(e.reason());
      if (m.find()) {
        return "REFUSED: element type " + m.group(1);
      }
    }
    // "test_x: node 'y' (Op): problem" → "Op: problem"
    String reason = e.reason().replaceFirst("^" + Pattern.quote(r.name()) + ": ", "")
        .replaceFirst("^node '[^']*' ", "");
    return e.outcome() + ": " + reason;
  }
}
