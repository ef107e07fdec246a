package io.longctx.policy.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A serializable recipe for a tokenizer:
 *
 * <ul>
 *   <li>{@code synth-bpe}: the embedded model's default, a byte-level BPE of 768 tokens learned from the synthetic
 *       corpus and shipped with the code ({@link #SYNTH_BPE_RESOURCE});
 *   <li>{@code byte}: one token per UTF-8 byte;
 *   <li>{@code bpe:PATH}: a merges file written by {@link BpeTokenizer#write} (e.g. by {@code longctx tokenizer});
 *   <li>anything else: the path of a Hugging Face {@code tokenizer.json} (or of a directory holding one).
 * </ul>
 */
public record TokenizerSpec(String value) implements Serializable {

  public static final String BYTE = "byte";
  public static final String SYNTH_BPE = "synth-bpe";
  public static final String BPE_PREFIX = "bpe:";
  /** Classpath location of the shipped merges of {@link #SYNTH_BPE}. */
  public static final String SYNTH_BPE_RESOURCE = "/io/longctx/policy/tokenizer/synth-bpe.txt";

  public boolean isByteLevel() {
    return BYTE.equals(value);
  }

  public Tokenizer open() {
    if (isByteLevel()) {
      return new ByteTokenizer();
    }
    if (SYNTH_BPE.equals(value)) {
      return synthBpe();
    }
    if (value.startsWith(BPE_PREFIX)) {
      return BpeTokenizer.read(Path.of(value.substring(BPE_PREFIX.length())));
    }
    return HuggingFaceTokenizers.open(Path.of(value));
  }

  /** The shipped {@code synth-bpe} tokenizer. */
  public static BpeTokenizer synthBpe() {
    try (InputStream in = TokenizerSpec.class.getResourceAsStream(SYNTH_BPE_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("The synth-bpe merges are missing from the classpath ("
            + SYNTH_BPE_RESOURCE + "); rebuild the jar");
      }
      return BpeTokenizer.read(in, "classpath:" + SYNTH_BPE_RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
