package org.mgm.onnx.importer;

import java.util.List;
import java.util.regex.Pattern;

/**
 * How each floating-point initializer enters the TF graph.
 *
 * <ul>
 *   <li>FROZEN: a constant; the mixer generator of MGM is imported this way.
 *   <li>TRAINABLE: a resource variable in the module's parameter list (agents, critics).
 *   <li>FED: a placeholder fed on every run; used by gradient checks that differentiate with
 *       respect to parameters in float64 and perturb them for finite differences.
 * </ul>
 *
 * A name-pattern policy makes matching initializers trainable and the rest frozen, so that e.g.
 * FreezeD can keep the input-side blocks of a discriminator fixed. Integer initializers (shapes,
 * indices) are always constants.
 */
public final class InitializerPolicy {
  public enum Kind { FROZEN, TRAINABLE, FED }

  private final Kind matched;
  private final List<Pattern> patterns;

  private InitializerPolicy(Kind matched, List<Pattern> patterns) {
    this.matched = matched;
    this.patterns = patterns;
  }

  public static InitializerPolicy allFrozen() {
    return new InitializerPolicy(Kind.FROZEN, List.of());
  }

  public static InitializerPolicy allTrainable() {
    return new InitializerPolicy(Kind.TRAINABLE, List.of(Pattern.compile(".*")));
  }

  public static InitializerPolicy allFed() {
    return new InitializerPolicy(Kind.FED, List.of(Pattern.compile(".*")));
  }

  /** Initializers whose name matches any regular expression are trainable; the rest are frozen. */
  public static InitializerPolicy trainableMatching(List<String> regexes) {
    return new InitializerPolicy(Kind.TRAINABLE, regexes.stream().map(Pattern::compile).toList());
  }

  public Kind kindOf(String initializerName) {
    for (Pattern p : patterns) {
      if (p.matcher(initializerName).matches()) {
        return matched;
      }
    }
    return Kind.FROZEN;
  }
}
