package org.mgm.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.mgm.runtime.AtomicFiles;

/**
 * Whether a cell has finished: its {@code result.json} and, written after it, a
 * {@code result.sha256} that matches it. A cell killed between the two, or whose result was
 * damaged, counts as unfinished and runs again from its checkpoint, which for a training that
 * had ended means only its evaluation.
 */
public final class CellCompletion {
  public static final String RESULT = "result.json";
  public static final String CHECKSUM = "result.sha256";

  private CellCompletion() {}

  public static boolean isDone(Path dir) throws IOException {
    Path result = dir.resolve(RESULT);
    Path sum = dir.resolve(CHECKSUM);
    return Files.isRegularFile(result) && Files.isRegularFile(sum)
        && Files.readString(sum).strip().equals(sha256(result));
  }

  /** Records the cell's result as complete; its result.json must exist. */
  public static void markDone(Path dir) throws IOException {
    Path result = dir.resolve(RESULT);
    if (!Files.isRegularFile(result)) {
      throw new IllegalStateException(dir + ": the cell ended without a " + RESULT);
    }
    AtomicFiles.writeString(dir.resolve(CHECKSUM), sha256(result) + "\n");
  }

  /** Forgets a result that does not match its checksum, so the training's own resume runs again. */
  public static void clearUnconfirmed(Path dir) throws IOException {
    if (!isDone(dir)) {
      Files.deleteIfExists(dir.resolve(CHECKSUM));
      Files.deleteIfExists(dir.resolve(RESULT));
    }
  }

  static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JVM has SHA-256
    }
  }
}
