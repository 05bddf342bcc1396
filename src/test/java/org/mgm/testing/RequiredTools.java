package org.mgm.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tools outside the JVM (a Python with torch, the TF venv) that a test needs. On a developer's
 * machine a missing one skips the test with the reason; under CI ({@code CI=true}, as
 * {@code .ci/run} runs) it fails it, since {@code .ci/run} installs every one and a skip there would
 * hide a test that never ran.
 */
public final class RequiredTools {
  private RequiredTools() {}

  public static boolean underCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  public static void require(boolean present, String what) {
    if (!present && underCi()) {
      fail("CI=true but " + what);
    }
    assumeTrue(present, what);
  }
}
