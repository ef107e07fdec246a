package io.longctx.policy.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Puts a checkpoint's tokenizer next to its weights, so that a checkpoint directory is a complete Hugging Face model
 * directory ({@code config.json}, safetensors, {@code tokenizer.json}) that {@code transformers} and
 * {@code tokenizers} open as is.
 */
public final class TokenizerFiles {
  public static final String TOKENIZER_JSON = "tokenizer.json";

  private TokenizerFiles() {}

  /**
   * Writes {@code dir/tokenizer.json} for {@code spec}: {@code synth-bpe}, {@code bpe:FILE} and {@code byte} (a BPE
   * without merges) are exported with {@link HuggingFaceExport}; a Hugging Face {@code tokenizer.json} is copied,
   * with the {@code tokenizer_config.json} beside it when there is one. Nothing is written when {@code dir} already
   * is the tokenizer's own directory.
   */
  public static void writeInto(TokenizerSpec spec, Path dir) {
    try {
      Files.createDirectories(dir);
      String v = spec.value();
      if (spec.isByteLevel()) {
        HuggingFaceExport.write(new BpeTokenizer(List.of()), dir.resolve(TOKENIZER_JSON));
      } else if (TokenizerSpec.SYNTH_BPE.equals(v) || v.startsWith(TokenizerSpec.BPE_PREFIX)) {
        try (Tokenizer t = spec.open()) {
          HuggingFaceExport.write((BpeTokenizer) t, dir.resolve(TOKENIZER_JSON));
        }
      } else {
        Path source = Files.isDirectory(Path.of(v)) ? Path.of(v).resolve(TOKENIZER_JSON) : Path.of(v);
        copy(source, dir.resolve(TOKENIZER_JSON));
        Path config = source.resolveSibling(HuggingFaceExport.CONFIG_JSON);
        if (Files.isRegularFile(config)) {
          copy(config, dir.resolve(HuggingFaceExport.CONFIG_JSON));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the tokenizer of " + spec.value() + " into " + dir, e);
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    if (Files.exists(to) && Files.isSameFile(from, to)) {
      return;
    }
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
  }
}
