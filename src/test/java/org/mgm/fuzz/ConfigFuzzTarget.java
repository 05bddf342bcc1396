package org.mgm.fuzz;

import java.nio.charset.StandardCharsets;
import org.mgm.config.Config;
import org.mgm.experiments.synthetic.SyntheticSetup;

/** YAML config text, parsed and then read as the synthetic protocol (every key checked). */
public final class ConfigFuzzTarget {
  private ConfigFuzzTarget() {}

  public static void fuzzerTestOneInput(byte[] data) throws Throwable {
    FuzzInput.expectNamedErrorsOnly(() ->
        SyntheticSetup.from(Config.parse("fuzz.yaml", new String(data, StandardCharsets.UTF_8))));
  }
}
