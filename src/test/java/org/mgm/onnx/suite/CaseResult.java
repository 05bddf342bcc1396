package org.mgm.onnx.suite;

/**
 * What one suite case did, as one tab-separated line of the child JVM's result file.
 *
 * @param tf PASS, WRONG, REFUSED, ERROR or CRASH
 * @param ort PASS, WRONG, ERROR, SKIP (a type ORT's Java API cannot feed) or CRASH
 * @param scope the out-of-scope category ({@link Scope}), or "-"
 * @param missing the importer's reasons per refused op type ("Conv version 22 (supported: ...)"), "; "-separated, or "-"
 * @param grad PASS, WRONG, ERROR, SKIP (with the rule that skipped it) or "-" (not run)
 * @param millis wall time of the case in the child, all phases
 */
record CaseResult(String name, String kind, String tf, String tfDetail, String ort, String ortDetail,
    String scope, String missing, String grad, String gradDetail, long millis) {
  static final String PASS = "PASS";
  static final String WRONG = "WRONG";
  static final String REFUSED = "REFUSED";
  static final String ERROR = "ERROR";
  static final String CRASH = "CRASH";
  static final String SKIP = "SKIP";
  static final String NONE = "-";

  String toLine() {
    return String.join("\t", name, kind, tf, clean(tfDetail), ort, clean(ortDetail), clean(scope), missing, grad,
        clean(gradDetail), Long.toString(millis));
  }

  static CaseResult parse(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != 11) {
      throw new IllegalArgumentException("bad result line: " + line);
    }
    return new CaseResult(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], Long.parseLong(f[10]));
  }

  /** One line without tabs, short enough to read in a list. */
  static String clean(String s) {
    if (s == null || s.isBlank()) {
      return NONE;
    }
    String one = s.lines().filter(l -> !l.isBlank()).findFirst().orElse(NONE).replace('\t', ' ').strip();
    return one.length() > 300 ? one.substring(0, 297) + "..." : one;
  }

  boolean tfPassed() {
    return tf.equals(PASS);
  }

  /** The outcome the expected-failures list records: the forward one, or GRAD_* for a passing case. */
  String listedOutcome() {
    if (!tfPassed()) {
      return tf;
    }
    return grad.equals(WRONG) || grad.equals(ERROR) || grad.equals(CRASH) ? "GRAD_" + grad : PASS;
  }

  String listedDetail() {
    return tfPassed() ? gradDetail : tfDetail;
  }

  CaseResult withGrad(String outcome, String detail) {
    return new CaseResult(name, kind, tf, tfDetail, ort, ortDetail, scope, missing, outcome, detail, millis);
  }

  CaseResult withTf(String outcome, String detail) {
    return new CaseResult(name, kind, outcome, detail, ort, ortDetail, scope, missing, grad, gradDetail, millis);
  }

  CaseResult withMillis(long ms) {
    return new CaseResult(name, kind, tf, tfDetail, ort, ortDetail, scope, missing, grad, gradDetail, ms);
  }
}
