package io.longctx.policy.tokenizer;

import java.nio.file.Path;

/** Opens Hugging Face {@code tokenizer.json} files through DJL tokenizers. */
public final class HuggingFaceTokenizers {
  private HuggingFaceTokenizers() {}

  /** @param path a {@code tokenizer.json} file or a model directory that holds one */
  public static Tokenizer open(Path path) {
    throw new UnsupportedOperationException("Hugging Face tokenizers are not wired yet: " + path);
  }
}
