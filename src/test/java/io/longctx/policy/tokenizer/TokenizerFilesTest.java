package io.longctx.policy.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint directory gets a {@code tokenizer.json} that encodes like the tokenizer the run used. */
class TokenizerFilesTest {
  @TempDir Path dir;

  private static final String TEXT = "<|user|>\nThe code of Kalven is 73. Straße, 東京 😀\n<|assistant|>\n";

  @Test
  void exportsTheBpeAndByteTokenizersAndCopiesHuggingFaceFiles() throws Exception {
    for (String spec : new String[] {"synth-bpe", "byte"}) {
      Path ckpt = dir.resolve(spec);
      TokenizerFiles.writeInto(new TokenizerSpec(spec), ckpt);
      try (Tokenizer ours = new TokenizerSpec(spec).open();
          Tokenizer hf = HuggingFaceTokenizers.open(ckpt)) {
        assertThat(hf.encode(TEXT)).as(spec).isEqualTo(ours.encode(TEXT));
        assertThat(hf.decode(ours.encode(TEXT))).isEqualTo(TEXT);
        assertThat(hf.vocabSize()).isEqualTo(ours.vocabSize());
        // tokenizer_config.json beside it names the special tokens, so the padding id agrees too
        assertThat(hf.padTokenId()).isEqualTo(ours.padTokenId());
        assertThat(hf.stopTokenIds()).containsExactly(ours.stopTokenIds());
      }
    }
    // A merges file written by `longctx tokenizer`.
    Path merges = dir.resolve("merges.txt");
    new BpeTrainer(300, 2).add("alpha alpha alpha beta beta").train().write(merges);
    Path fromMerges = dir.resolve("from-merges");
    TokenizerFiles.writeInto(new TokenizerSpec("bpe:" + merges), fromMerges);
    try (Tokenizer hf = HuggingFaceTokenizers.open(fromMerges)) {
      assertThat(hf.encode("alpha beta")).isEqualTo(BpeTokenizer.read(merges).encode("alpha beta"));
    }
    // A Hugging Face tokenizer is copied with its tokenizer_config.json; its own directory is left alone.
    Path source = dir.resolve("hf-model");
    Files.createDirectories(source);
    Files.writeString(source.resolve("tokenizer.json"), Files.readString(dir.resolve("byte/tokenizer.json")));
    Files.writeString(source.resolve("tokenizer_config.json"), "{\"pad_token\": \"<|pad|>\"}");
    Path ckpt = dir.resolve("ckpt");
    TokenizerFiles.writeInto(new TokenizerSpec(source.toString()), ckpt);
    assertThat(ckpt.resolve("tokenizer.json")).hasSameTextualContentAs(source.resolve("tokenizer.json"));
    assertThat(ckpt.resolve("tokenizer_config.json")).hasContent("{\"pad_token\": \"<|pad|>\"}");
    TokenizerFiles.writeInto(new TokenizerSpec(source.resolve("tokenizer.json").toString()), source);
    assertThat(source.resolve("tokenizer.json")).hasSameTextualContentAs(ckpt.resolve("tokenizer.json"));
  }
}
