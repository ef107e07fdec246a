package io.longctx.transforms.eval;

import java.io.Serializable;

/**
 * A benchmark record that could not be turned into an {@link EvalItem}: the file, the record number (1-based
 * line number for JSONL, 1-based element index for a JSON array, 0 for the whole file) and the reason.
 */
public record LoadProblem(String benchmark, String file, long record, String reason) implements Serializable {
  @Override
  public String toString() {
    return file + " record " + record + " (" + benchmark + "): " + reason;
  }
}
