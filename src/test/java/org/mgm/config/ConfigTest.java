package org.mgm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  private static final String YAML = String.join("\n",
      "agent:", "  iterations: 4000", "  lr: 1.0e-4", "  shared: false", "  name: roll",
      "betas: [0.0, 0.5]",
      "profiles:", "  quick:", "    agent: {iterations: 10}", "");

  @Test
  void typedGettersAndErrorsNameFileAndKey(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("c.yaml");
    Files.writeString(f, YAML);
    Config c = Config.load(f);
    assertEquals(4000, c.getInt("agent.iterations"));
    assertEquals(1e-4, c.getDouble("agent.lr"), 0);
    assertFalse(c.getBoolean("agent.shared"));
    assertEquals(List.of(0.0, 0.5), c.getDoubleList("betas"));
    var missing = assertThrows(ConfigException.class, () -> c.getInt("agent.steps"));
    assertEquals(f + ": missing key 'agent.steps'", missing.getMessage());
    var wrong = assertThrows(ConfigException.class, () -> c.getInt("agent.name"));
    assertEquals(f + ": key 'agent.name': expected an integer, got \"roll\"", wrong.getMessage());
    assertThrows(ConfigException.class, () -> c.getDouble("agent.shared"));
  }

  @Test
  void overridesParseYamlScalarsAndRejectUnknownKeys() {
    Config c = Config.parse("t.yaml", YAML);
    Config o = c.withOverride("agent.lr=2e-3").withOverride("agent.shared=true").withOverride("betas=[1, 0.3]");
    assertEquals(2e-3, o.getDouble("agent.lr"), 0);
    assertTrue(o.getBoolean("agent.shared"));
    assertEquals(List.of(1.0, 0.3), o.getDoubleList("betas"));
    assertEquals(1e-4, c.getDouble("agent.lr"), 0, "the original is unchanged");
    var e = assertThrows(ConfigException.class, () -> c.withOverride("agent.iteratons=5"));
    assertTrue(e.getMessage().contains("agent.iteratons"), e.getMessage());
    assertThrows(ConfigException.class, () -> c.withOverride("novalue"));
  }

  @Test
  void profilesMergeDeeplyAndUnknownOnesAreListed() {
    Config q = Config.parse("t.yaml", YAML).withProfile("quick");
    assertEquals(10, q.getInt("agent.iterations"));
    assertEquals(1e-4, q.getDouble("agent.lr"), 0, "keys the profile does not name stay");
    assertFalse(q.has("profiles"));
    assertFalse(q.toYaml().contains("profiles"));
    var e = assertThrows(ConfigException.class, () -> Config.parse("t.yaml", YAML).withProfile("slow"));
    assertTrue(e.getMessage().contains("[quick]"), e.getMessage());
  }

  @Test
  void theShippedFirstProfileComparesBetaOneWithAShippedMixer() {
    Config first = Config.load(Path.of("configs/synthetic.yaml")).withProfile("first");
    assertEquals(List.of(1.0), first.getDoubleList("betas"));
    assertEquals(600, first.getInt("agent.iterations"));
    assertFalse(first.getBoolean("eval.sinkhorn"));
    assertTrue(Files.isDirectory(Path.of(first.getString("mixer.models_dir"), "mixer-beta-1.00")),
        "the README's first command needs the shipped beta-1 mixer");
  }

  @Test
  void malformedYamlNamesFileAndLine(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("bad.yaml");
    Files.writeString(f, "agent:\n  iterations: [1, 2\n  lr: 3\n");
    var e = assertThrows(ConfigException.class, () -> Config.load(f));
    assertTrue(e.getMessage().startsWith(f + ": malformed YAML at line"), e.getMessage());
    var unreadable = assertThrows(ConfigException.class, () -> Config.load(tmp.resolve("none.yaml")));
    assertTrue(unreadable.getMessage().contains("none.yaml"));
  }
}
