package io.longctx.policy.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported {@code tokenizer.json} of the shipped {@code synth-bpe}, opened by the Rust {@code tokenizers} library
 * (through DJL, as for any Hugging Face tokenizer), gives the same ids and decoded text as {@link BpeTokenizer}: a
 * check of this project's BPE against the reference implementation, over synthetic-corpus-like text and adversarial
 * Unicode (other scripts, emoji, combining marks, Unicode spaces and digits, control characters).
 */
class BpeHuggingFaceParityTest {
  private static final String[] PIECES = {
      "The", " archive", " of", " Kal", "ven", " holds", " code", " 7", "3", ".", "\n", "\n\n", " ", "  ", "\t",
      "Question:", " What", " is", " the", " value", "?", "<think>", "</think>", "Therefore,", " answer", "'s", "'S",
      "'ll", " don't", "—", "«", "»", " café", " Ünïcödé", " straße", " Привет", " мир", " 東京", "都", " مرحبا",
      " ٣", "٤", " 😀", "👍🏽", " e\u0301", " \u00A0", "\u2003", "\u3000", "\u200B", " \u0007", "\r\n", "#", "$$",
      "(1/2)", "[[YES]]", " 12,345.67", "%", "ﬁ", "Ⅻ", "½", " x²", "\uFEFF"};

  @TempDir Path dir;

  @Test
  void exportedTokenizerJsonEncodesAndDecodesLikeBpeTokenizer() {
    BpeTokenizer ours = TokenizerSpec.synthBpe();
    Path file = dir.resolve("tokenizer.json");
    HuggingFaceExport.write(ours, file);
    SplittableRandom random = new SplittableRandom(7);
    List<String> texts = new ArrayList<>(List.of("", " ", "a", "\n", "Kal7", "  leading and trailing  "));
    for (int i = 0; i < 3000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = 1 + random.nextInt(40);
      for (int k = 0; k < n; k++) {
        sb.append(PIECES[random.nextInt(PIECES.length)]);
      }
      texts.add(sb.toString());
    }
    try (Tokenizer hf = HuggingFaceTokenizers.open(file)) {
      assertThat(hf.vocabSize()).isEqualTo(ours.vocabSize());
      assertThat(hf.stopTokenIds()).containsExactly(BpeTokenizer.EOS);
      for (String t : texts) {
        int[] expected = ours.encode(t);
        int[] actual = hf.encode(t);
        assertThat(actual).as("ids of %s", visible(t)).isEqualTo(expected);
        assertThat(hf.decode(expected)).as("text of %s", visible(t)).isEqualTo(ours.decode(expected));
      }
      // Special tokens decode to their text in both.
      int[] withEos = {ours.encode("ok")[0], BpeTokenizer.EOS};
      assertThat(hf.decode(withEos)).isEqualTo(ours.decode(withEos));
    }
  }

  @Test
  void theJsonHasTheByteLevelAlphabetAndTheMergesInRankOrder() throws Exception {
    BpeTokenizer tok = new BpeTrainer(300, 2).addAll(List.of("hello hello hello", "help help")).train();
    Path file = dir.resolve("small.json");
    HuggingFaceExport.write(tok, file);
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    JsonNode vocab = root.path("model").path("vocab");
    assertThat(vocab.get("!").asInt()).isEqualTo('!');
    assertThat(vocab.get("Ġ").asInt()).isEqualTo(' '); // the space byte's printable stand-in (U+0120)
    assertThat(vocab.get("Ċ").asInt()).isEqualTo('\n');
    assertThat(vocab.get("<|endoftext|>").asInt()).isEqualTo(BpeTokenizer.EOS);
    assertThat(vocab.get("<|pad|>").asInt()).isEqualTo(BpeTokenizer.PAD);
    assertThat(root.path("added_tokens").get(0).get("id").asInt()).isEqualTo(BpeTokenizer.EOS);
    JsonNode merges = root.path("model").path("merges");
    assertThat(merges.size()).isEqualTo(tok.merges().size());
    for (int k = 0; k < merges.size(); k++) {
      int[] m = tok.merges().get(k);
      String joined = merges.get(k).get(0).asText() + merges.get(k).get(1).asText();
      assertThat(vocab.get(joined).asInt()).as("merge %d", k).isEqualTo(BpeTokenizer.FIRST_MERGE + k);
      assertThat(HuggingFaceExport.symbol(tok.bytes(m[0]))).isEqualTo(merges.get(k).get(0).asText());
    }
  }

  private static String visible(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints().forEach(cp -> sb.append(cp < 0x20 || cp > 0x7E ? String.format("\\u%04X", cp) : (char) cp));
    return sb.append("\" ").append(Arrays.toString(s.codePoints().toArray())).toString();
  }
}
