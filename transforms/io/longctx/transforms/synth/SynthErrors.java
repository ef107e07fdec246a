package io.longctx.transforms.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The synth area's user-facing errors: what failed, why, and how to fix it. */
final class SynthErrors {
  private SynthErrors() {}

  static UncheckedIOException cannotWrite(Path file, IOException cause) {
    return new UncheckedIOException(
        "Cannot write synthetic records to " + file + ": " + cause.getMessage()
            + ". Check that the directory (synth.output under the warehouse) is writable and has free space.",
        cause);
  }

  static IllegalArgumentException badCount(String what, long count) {
    return new IllegalArgumentException(
        "Cannot generate " + count + " " + what + " records: the count must be > 0 (set synth.samples / "
            + "synth.heldout-samples).");
  }
}
