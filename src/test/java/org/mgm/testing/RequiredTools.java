package org.mgm.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.EnumSet;
import java.util.Set;

/**
 * Tools outside the JVM that a test needs. On a developer's machine a missing one skips the test
 * with the reason; under CI ({@code CI=true}, as {@code .ci/run} runs) it fails it, since
 * {@code .ci/run} installs every one and a skip there would hide a test that never ran. Every
 * requirement is also recorded, so that {@link ToolGroupsListener} can count each group's tests.
 */
public final class RequiredTools {
  private static final Set<Tool> RECORDED = EnumSet.noneOf(Tool.class);

  private RequiredTools() {}

  public static boolean underCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Skips (or under CI fails) the calling test unless every tool is present. */
  public static void require(Tool... tools) {
    for (Tool t : tools) {
      synchronized (RECORDED) {
        RECORDED.add(t);
      }
      require(t.present(), t.missing());
    }
  }

  /** For a condition that is not a tool (a property the test itself probes): same rule. */
  public static void require(boolean present, String what) {
    if (!present && underCi()) {
      fail("CI=true but " + what);
    }
    assumeTrue(present, what);
  }

  /** The tools required since the last call, which clears them. */
  static Set<Tool> drain() {
    synchronized (RECORDED) {
      Set<Tool> out = RECORDED.isEmpty() ? EnumSet.noneOf(Tool.class) : EnumSet.copyOf(RECORDED);
      RECORDED.clear();
      return out;
    }
  }
}
