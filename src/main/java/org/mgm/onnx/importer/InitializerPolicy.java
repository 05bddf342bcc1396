package org.mgm.onnx.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How each floating-point initializer enters the TF graph: ordered rules (regular expression on
 * the initializer name → kind), first match wins, FROZEN when none matches.
 *
 * <ul>
 *   <li>FROZEN: a constant; the mixer generator of MGM is imported this way.
 *   <li>TRAINABLE: a resource variable in the module's parameter list (agents, critics).
 *   <li>FED: a placeholder fed on every run; used by gradient checks that differentiate with
 *       respect to parameters in float64 and perturb them for finite differences.
 *   <li>SINGULAR_VALUES: FSGAN's reparameterisation. The stored weight, flattened to
 *       [out, everything else], is factorised once, W = U diag(s) Vᵀ; U, s and V become constants
 *       and a trainable vector λ (initialised to 1) rescales the singular values:
 *       W′ = U diag(λ ⊙ s) Vᵀ. Factorising the stored weight rather than the equalised-lr-scaled
 *       one is the same thing: the scale multiplies s and cancels in λ.
 * </ul>
 *
 * Integer initializers (shapes, indices) are always constants.
 */
public final class InitializerPolicy {
  public enum Kind { FROZEN, TRAINABLE, FED, SINGULAR_VALUES }

  private record Rule(Pattern pattern, Kind kind) {}

  private final List<Rule> rules;

  private InitializerPolicy(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  public static InitializerPolicy allFrozen() {
    return new InitializerPolicy(List.of());
  }

  public static InitializerPolicy allTrainable() {
    return allFrozen().then(".*", Kind.TRAINABLE);
  }

  public static InitializerPolicy allFed() {
    return allFrozen().then(".*", Kind.FED);
  }

  /** Initializers whose name matches any regular expression are trainable; the rest are frozen. */
  public static InitializerPolicy trainableMatching(List<String> regexes) {
    InitializerPolicy p = allFrozen();
    for (String r : regexes) {
      p = p.then(r, Kind.TRAINABLE);
    }
    return p;
  }

  /** This policy with one more rule, consulted after the existing ones. */
  public InitializerPolicy then(String regex, Kind kind) {
    List<Rule> r = new ArrayList<>(rules);
    r.add(new Rule(Pattern.compile(regex), kind));
    return new InitializerPolicy(r);
  }

  public Kind kindOf(String initializerName) {
    for (Rule r : rules) {
      if (r.pattern().matcher(initializerName).matches()) {
        return r.kind();
      }
    }
    return Kind.FROZEN;
  }
}
