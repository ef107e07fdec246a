package io.longctx.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longctx.policy.tokenizer.HuggingFaceTokenizers;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextKeysTest {
  @Test
  void normalisationIgnoresCaseWidthAndWhitespace() {
    assertThat(TextKeys.normalize("  The\tCODE\n\n of  Ｚorvex ")).isEqualTo("the code of zorvex");
    assertThat(TextKeys.dedupKey("Q?", "A  b")).isEqualTo(TextKeys.dedupKey(" q? ", "a b\n"))
        .isNotEqualTo(TextKeys.dedupKey("Q?", "A c"));
    assertThat(TextKeys.docHash("x")).hasSize(64);
  }

  @Test
  void ngramsSlideOverWordsAndShortTextsCountAsOneGram() {
    List<String> words = TextKeys.words("One, two; THREE four-five!");
    assertThat(words).containsExactly("one", "two", "three", "four", "five");
    long[] tri = TextKeys.ngramHashes(words, 3);
    assertThat(tri).hasSize(3);
    assertThat(tri[1]).isEqualTo(TextKeys.ngramHashes(List.of("two", "three", "four"), 3)[0]);
    assertThat(TextKeys.ngramHashes(words, 13)).hasSize(1);
    assertThat(TextKeys.ngramHashes(List.of(), 13)).isEmpty();
    // word boundaries matter: "ab c" and "a bc" differ
    assertThat(TextKeys.ngramHashes(List.of("ab", "c"), 2)).isNotEqualTo(TextKeys.ngramHashes(List.of("a", "bc"), 2));
  }

  @Test
  void overlapIsTheFractionOfSampleGramsFoundInTheEvalSet() {
    long[] eval = {5, 1, 9};
    Arrays.sort(eval);
    assertThat(Decontamination.overlap(new long[] {1, 2, 3, 9}, eval)).isEqualTo(0.5);
    assertThat(Decontamination.overlap(new long[] {1}, new long[0])).isZero();
    String doc = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron";
    long[] evalGrams = Decontamination.hashesOf("What?", doc, 13);
    Arrays.sort(evalGrams);
    assertThat(Decontamination.overlap(Decontamination.hashesOf("Other question here", doc, 13), evalGrams))
        .isEqualTo(3.0 / 4.0);
  }

  @Test
  void missingTokenizerFileSaysHowToFixIt() {
    assertThatThrownBy(() -> HuggingFaceTokenizers.open(Path.of("/nonexistent/model")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no tokenizer.json").hasMessageContaining("policy.tokenizer");
  }
}
