package io.longctx.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longctx.policy.tokenizer.BpeTokenizer;
import io.longctx.policy.tokenizer.Tokenizer;
import io.longctx.policy.tokenizer.TokenizerSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code longctx tokenizer}: learns merges from the synth generator or from text files; the file is usable as bpe:FILE. */
class TokenizerCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void learnsFromTheSynthGeneratorAndTheFileLoadsAsABpeSpec() throws Exception {
    Path merges = dir.resolve("out/merges.txt");
    // the 1K setting's records: shorter documents, so 300 of them carry enough template words to merge
    CliRun r = run("tokenizer", "--conf", "conf/local-1k.yaml", "--out", merges.toString(), "--records", "300",
        "--vocab-size", "400");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode line = JSON.readTree(r.out());
    assertThat(line.get("vocab_size").asInt()).isEqualTo(400);
    assertThat(line.get("texts").asInt()).isEqualTo(300);
    try (Tokenizer t = new TokenizerSpec("bpe:" + merges).open()) {
      assertThat(t.vocabSize()).isEqualTo(400);
      String text = "<think>\nThe code of Karomi is 7.\n</think>";
      int[] ids = t.encode(text);
      assertThat(t.decode(ids)).isEqualTo(text);
      assertThat(ids.length).isLessThan(text.length() * 2 / 3); // the template words are merged
    }
    assertThat(r.err()).contains("policy.tokenizer=bpe:");
  }

  @Test
  void learnsFromTextFilesAndNamesAMissingInput() throws Exception {
    Path text = dir.resolve("corpus.txt");
    Files.writeString(text, "alpha beta gamma\nalpha beta\nalpha\n");
    Path merges = dir.resolve("m.txt");
    Path hf = dir.resolve("hf/tokenizer.json");
    CliRun r = run("tokenizer", "--out", merges.toString(), "--input", text.toString(), "--min-frequency", "2",
        "--hf-json", hf.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(JSON.readTree(r.out()).get("tokenizer_json").asText()).isEqualTo(hf.toAbsolutePath().toString());
    BpeTokenizer t = BpeTokenizer.read(merges);
    try (Tokenizer fromJson = new TokenizerSpec(hf.toString()).open()) { // read back by the Rust tokenizers library
      assertThat(fromJson.encode("alpha beta gamma")).isEqualTo(t.encode("alpha beta gamma"));
    }
    // "alpha" x3 and " beta" x2 are merged to one token each; "gamma" (once) stays in pieces
    assertThat(t.encode("alpha")).hasSize(1);
    assertThat(t.encode(" beta")).hasSize(1);
    assertThat(t.encode(" gamma").length).isGreaterThan(1);
    CliRun bad = run("tokenizer", "--out", merges.toString(), "--input", dir.resolve("nope.txt").toString());
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("nope.txt");
  }
}
