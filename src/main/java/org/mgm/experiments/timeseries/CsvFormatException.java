package org.mgm.experiments.timeseries;

import java.nio.file.Path;

/**
 * A price/demand CSV this toolkit cannot use. The one-line message names the file and, where
 * one line is to blame, its 1-based number ({@code file:line: problem}), so the user can open it
 * there. An {@link IllegalArgumentException}, so the CLI exits with 2 (bad input).
 */
public final class CsvFormatException extends IllegalArgumentException {
  public CsvFormatException(Path file, int line, String problem) {
    super(file + ":" + line + ": " + problem);
  }

  public CsvFormatException(Path file, String problem) {
    super(file + ": " + problem);
  }
}
