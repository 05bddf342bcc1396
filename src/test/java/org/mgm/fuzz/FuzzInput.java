package org.mgm.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mgm.config.ConfigException;
import org.mgm.tf.TfModelException;

/**
 * What every fuzz target shares: the input as a file (the readers take paths, as the CLI does)
 * and the rule for outcomes. A reader may reject an input only with one of the toolkit's named
 * errors — those the CLI turns into one line and exit 2 — anything else (a NullPointerException,
 * an OutOfMemoryError from a size field nobody checked, a TF runtime error) is a finding.
 */
final class FuzzInput {
  private static final ThreadLocal<Path> FILE = ThreadLocal.withInitial(() -> {
    try {
      Path p = Files.createTempFile("mgm-fuzz", ".bin");
      p.toFile().deleteOnExit();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  });

  private FuzzInput() {}

  /** The bytes in a reused temporary file with the given suffix's reader in mind. */
  static Path file(byte[] data) {
    try {
      return Files.write(FILE.get(), data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code reader}; a named rejection is a pass, any other throwable propagates as a finding. */
  static void expectNamedErrorsOnly(ThrowingRunnable reader) throws Throwable {
    try {
      reader.run();
    } catch (IllegalArgumentException | ConfigException | TfModelException named) {
      // the toolkit's own "bad input" errors: what the CLI prints as one line, exit 2
    }
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Throwable;
  }
}
