package org.mgm.sweep;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cell is done only with a result.json that its checksum confirms. */
class CellCompletionTest {
  @TempDir
  Path dir;

  @Test
  void onlyAConfirmedResultCountsAsDone() throws Exception {
    assertFalse(CellCompletion.isDone(dir));
    assertThrows(IllegalStateException.class, () -> CellCompletion.markDone(dir));
    Files.writeString(dir.resolve("result.json"), "{\"w1\": 0.25}\n");
    assertFalse(CellCompletion.isDone(dir), "a result without its checksum (killed between the two)");
    CellCompletion.markDone(dir);
    assertTrue(CellCompletion.isDone(dir));
    CellCompletion.clearUnconfirmed(dir);
    assertTrue(Files.exists(dir.resolve("result.json")), "a confirmed result is kept");

    Files.writeString(dir.resolve("result.json"), "{\"w1\": 0.2"); // damaged after it was confirmed
    assertFalse(CellCompletion.isDone(dir));
    CellCompletion.clearUnconfirmed(dir);
    assertFalse(Files.exists(dir.resolve("result.json")));
    assertFalse(Files.exists(dir.resolve("result.sha256")));
  }
}
