package org.mgm.tf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which ops of a foreign TF graph may run: those on the allowlist of pure computation (the
 * resource {@code op-allowlist.txt}, made from TF's op registry categories by
 * {@code export-tools/make_tf_op_allowlist.py}), plus the ones a user opts in to by name
 * ({@code --allow-op}). A model is a program: file, network, dataset, summary, debug-dump,
 * {@code py_func} and print ops are none of the toolkit's business unless the user says so.
 *
 * <p>The toolkit's own graphs (its checkpoint reads and writes, its TensorBoard writer) are built
 * by its code and never pass through here.
 */
public final class OpPolicy {
  private static final String RESOURCE = "op-allowlist.txt";
  private static volatile Set<String> pure;

  /** Pure computation only. */
  public static final OpPolicy STANDARD = new OpPolicy(Set.of());

  private final Set<String> optIn;

  private OpPolicy(Set<String> optIn) {
    this.optIn = optIn;
  }

  /**
   * The allowlist plus {@code ops}, each of which must be an op this TF runtime knows (a typo
   * would otherwise opt in to nothing and leave the user puzzled by the refusal).
   */
  public static OpPolicy allowing(Collection<String> ops) {
    Set<String> names = new TreeSet<>();
    for (String op : ops) {
      String name = op.strip();
      if (OpDefs.of(name) == null) {
        throw new TfModelException("--allow-op " + op + ": not an op of this TensorFlow runtime");
      }
      names.add(name);
    }
    return names.isEmpty() ? STANDARD : new OpPolicy(java.util.Collections.unmodifiableSet(names));
  }

  /** The ops the user opted in to (empty for {@link #STANDARD}). */
  public Set<String> optIn() {
    return optIn;
  }

  /** Whether a node of {@code op} may run. */
  public boolean allows(String op) {
    return isPure(op) || optIn.contains(op);
  }

  /** Whether {@code op} is on the allowlist of pure computation. */
  public static boolean isPure(String op) {
    return allowlist().contains(op);
  }

  /** The allowlist, as the resource states it. */
  public static Set<String> allowlist() {
    Set<String> s = pure;
    if (s == null) {
      synchronized (OpPolicy.class) {
        if (pure == null) {
          pure = load();
        }
        s = pure;
      }
    }
    return s;
  }

  private static Set<String> load() {
    Set<String> ops = new LinkedHashSet<>();
    try (InputStream in = OpPolicy.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " missing from the toolkit's jar");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        String s = line.strip();
        if (!s.isEmpty() && !s.startsWith("#")) {
          ops.add(s);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return java.util.Collections.unmodifiableSet(new HashSet<>(ops));
  }
}
