package io.longctx.policy.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The byte-level BPE: training by hand-computed examples, lossless encoding, pre-token boundaries, file format. */
class BpeTokenizerTest {
  @TempDir Path dir;

  @Test
  void trainerJoinsTheMostFrequentPairFirstAndStopsWhenNothingIsFrequentEnough() {
    // pre-tokens "ab" x1 and " ab" x2: (a,b) occurs 3 times, then (' ', ab) twice
    BpeTokenizer t = new BpeTrainer(300, 1).add("ab ab ab").train();
    assertThat(t.merges()).containsExactly(new int[] {'a', 'b'}, new int[] {' ', 258});
    assertThat(t.vocabSize()).isEqualTo(260);
    assertThat(t.encode("ab ab")).containsExactly(258, 259);
    assertThat(t.encode("abab")).containsExactly(258, 258);
    assertThat(new String(t.bytes(259), StandardCharsets.UTF_8)).isEqualTo(" ab");
    // with a frequency floor of 3 only the first merge qualifies
    assertThat(new BpeTrainer(300, 3).add("ab ab ab").train().merges()).containsExactly(new int[] {'a', 'b'});
    // the vocabulary size bounds the merges
    assertThat(new BpeTrainer(259, 1).add("ab ab ab").train().merges()).hasSize(1);
  }

  @Test
  void tiesGoToTheSmallerIdPairSoTrainingIsDeterministic() {
    // "xy" and " yx": (x,y), (' ',y), (y,x) all occur once; (' ', 'y') = (32, 121) is the smallest pair
    BpeTokenizer t = new BpeTrainer(259, 1).add("xy yx").train();
    assertThat(t.merges()).containsExactly(new int[] {' ', 'y'});
    BpeTokenizer again = new BpeTrainer(400, 1).add("xy yx").train();
    assertThat(again.merges()).usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(new BpeTrainer(400, 1).add("xy yx").train().merges());
  }

  @Test
  void mergesNeverCrossPreTokensAndDigitsStaySingle() {
    BpeTokenizer t = new BpeTrainer(400, 1).addAll(List.of("is 5. is 55. is 555.", "is 5.", "The room is 12345")).train();
    String text = "The room is 12345.";
    int[] ids = t.encode(text);
    StringBuilder pieces = new StringBuilder();
    for (int id : ids) {
      pieces.append('[').append(t.decode(new int[] {id})).append(']');
    }
    // every digit is its own token (Qwen2 pre-tokenisation), words keep their leading space
    assertThat(pieces.toString()).contains("[1][2][3][4][5]").contains("[ is]").contains("[ room]");
    assertThat(BpeTokenizer.preTokens("Hi there!\n\nok 42")).containsExactly("Hi", " there", "!\n\n", "ok", " ", "4", "2");
  }

  @Test
  void everyTextRoundTripsIncludingBytesTheMergesNeverSaw() {
    BpeTokenizer t = new BpeTrainer(500, 2).addAll(List.of(
        "The code of Karomi is 4821.", "What is the code of Karomi?", "<think>\nThe code of Karomi is 4821.\n</think>"))
        .train();
    Random rnd = new Random(3);
    String alphabet = "ab cde\n\t.,!?<>|0123456789ÄéΩ中文😀'sKar";
    for (int i = 0; i < 500; i++) {
      StringBuilder sb = new StringBuilder();
      int n = rnd.nextInt(60);
      for (int j = 0; j < n; j++) {
        sb.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, rnd.nextInt(alphabet.codePointCount(0, alphabet.length())))));
      }
      String s = sb.toString();
      assertThat(t.decode(t.encode(s))).as("round trip of %s", s).isEqualTo(s);
    }
    assertThat(t.encode("")).isEmpty();
    // specials decode as their text or nothing; out-of-range ids are ignored
    assertThat(t.decode(new int[] {'a', BpeTokenizer.EOS, BpeTokenizer.PAD, 99_999, 'b'})).isEqualTo("a<|endoftext|>b");
    assertThat(t.stopTokenIds()).containsExactly(BpeTokenizer.EOS);
    assertThat(t.padTokenId()).isEqualTo(BpeTokenizer.PAD);
  }

  @Test
  void writeThenReadGivesTheSameTokenizer() throws Exception {
    BpeTokenizer t = new BpeTrainer(320, 1).add("the cat sat on the mat with the hat").train();
    Path file = dir.resolve("merges.txt");
    t.write(file);
    BpeTokenizer back = new TokenizerSpec("bpe:" + file).open() instanceof BpeTokenizer b ? b : null;
    assertThat(back).isNotNull();
    assertThat(back.merges()).usingRecursiveFieldByFieldElementComparator().isEqualTo(t.merges());
    assertThat(back.encode("the hat sat")).containsExactly(t.encode("the hat sat"));
    assertThat(Files.readAllLines(file).get(0)).isEqualTo(BpeTokenizer.HEADER);
  }

  @Test
  void badMergeFilesNameTheFileAndTheLine() {
    assertThatThrownBy(() -> read("not a header\n1 2\n"))
        .hasMessageContaining("Not a longctx BPE merges file").hasMessageContaining("test.txt");
    assertThatThrownBy(() -> read(BpeTokenizer.HEADER + "\n97 98\n97 x\n"))
        .hasMessageContaining("line 3").hasMessageContaining("97 x");
    // a merge may only join bytes or earlier merges, never specials or later ids
    assertThatThrownBy(() -> read(BpeTokenizer.HEADER + "\n97 258\n"))
        .hasMessageContaining("test.txt").hasMessageContaining("merge 0");
    assertThatThrownBy(() -> read(BpeTokenizer.HEADER + "\n97 256\n")).hasMessageContaining("merge 0");
    assertThatThrownBy(() -> read(BpeTokenizer.HEADER + "\n97 98\n97 98\n")).hasMessageContaining("repeats");
    assertThatThrownBy(() -> new BpeTrainer(100, 1)).hasMessageContaining("at least 258");
  }

  private static BpeTokenizer read(String text) {
    return BpeTokenizer.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test.txt");
  }

  @Test
  void theShippedSynthTokenizerLoadsAndWritesWhatItRead() throws Exception {
    BpeTokenizer t = TokenizerSpec.synthBpe();
    assertThat(t.vocabSize()).isEqualTo(768);
    StringWriter w = new StringWriter();
    t.write(w);
    String shipped = new String(
        TokenizerSpec.class.getResourceAsStream(TokenizerSpec.SYNTH_BPE_RESOURCE).readAllBytes(), StandardCharsets.UTF_8);
    assertThat(w.toString()).isEqualTo(shipped);
  }
}
