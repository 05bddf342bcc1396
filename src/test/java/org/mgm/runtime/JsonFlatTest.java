package org.mgm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a benchmark child prints is read back: numbers, booleans, strings, null; nothing nested. */
class JsonFlatTest {
  @Test
  void readsWhatWriteLineWrites() {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("engine", "tensorflow-java (imported ONNX)");
    m.put("ms_per_iteration", 472.5);
    m.put("graph_optimizer", true);
    m.put("rounds", 4);
    Map<String, Object> back = Json.parseFlat(Json.writeLine(m));
    assertEquals("tensorflow-java (imported ONNX)", back.get("engine"));
    assertEquals(472.5, back.get("ms_per_iteration"));
    assertEquals(Boolean.TRUE, back.get("graph_optimizer"));
    assertEquals(4.0, back.get("rounds"));
    assertTrue(Double.isNaN((Double) Json.parseFlat("{\"x\": null}").get("x")));
    assertThrows(IllegalArgumentException.class, () -> Json.parseFlat("{\"x\": [1, 2]}"));
  }
}
