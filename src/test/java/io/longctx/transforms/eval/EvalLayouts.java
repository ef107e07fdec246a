package io.longctx.transforms.eval;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Locates the hand-written layout files under {@code src/test/resources/eval-layouts}. */
final class EvalLayouts {
  private EvalLayouts() {}

  static Path dir() {
    try {
      return Path.of(EvalLayouts.class.getResource("/eval-layouts").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path file(String relative) {
    return dir().resolve(relative);
  }
}
