package io.longctx.policy.tokenizer;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * A serializable recipe for a tokenizer: {@code byte} for the embedded model's byte-level tokenizer, otherwise
 * the path of a Hugging Face {@code tokenizer.json} (or of a directory holding one).
 */
public record TokenizerSpec(String value) implements Serializable {

  public static final String BYTE = "byte";

  public boolean isByteLevel() {
    return BYTE.equals(value);
  }

  public Tokenizer open() {
    if (isByteLevel()) {
      return new ByteTokenizer();
    }
    return HuggingFaceTokenizers.open(Path.of(value));
  }
}
