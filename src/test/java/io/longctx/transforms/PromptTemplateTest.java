package io.longctx.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromptTemplateTest {
  /** The QwenLong-L1 reference template, written out by hand. */
  static final String REFERENCE = "Please read the following text and answer the question below.\n\n<text>\n$DOC$\n"
      + "</text>\n\n$Q$\n\nFormat your response as follows: \"Therefore, the answer is (insert answer here)\".";

  @Test
  void buildMatchesTheReferenceTemplateWithStrippedDocumentAndQuestion() {
    PromptTemplate.Parts p = PromptTemplate.build("\n  The doc.\nLine 2.  \n", "  What is it?\n", false);
    assertThat(p.prompt()).isEqualTo(REFERENCE.replace("$DOC$", "The doc.\nLine 2.").replace("$Q$", "What is it?"));
    assertThat(p.document()).isEqualTo("The doc.\nLine 2.");
    assertThat(p.question()).isEqualTo("What is it?");
  }

  @Test
  void multipleChoiceAsksForTheCorrectAnswerLetter() {
    String prompt = PromptTemplate.build("d", "Which?\n(A) x\n(B) y", true).prompt();
    assertThat(prompt).endsWith("(B) y\n\nFormat your response as follows: \"The correct answer is (insert answer"
        + " here)\".");
  }

  @Test
  void recoverSplitsABuiltPromptBackIntoItsParts() {
    PromptTemplate.Parts built = PromptTemplate.build("Doc with <b>tags</b>\nand lines.", "Who?", false);
    PromptTemplate.Parts back = PromptTemplate.recover(built.prompt()).orElseThrow();
    assertThat(back).isEqualTo(built);
    assertThat(back.withDocument("short").prompt()).isEqualTo(PromptTemplate.build("short", "Who?", false).prompt());
  }

  @Test
  void recoverHandlesOtherWordingsAndRejectsPromptsWithoutADocument() {
    PromptTemplate.Parts p = PromptTemplate.recover("Read this.<text>D1 D2</text>\nQ here?").orElseThrow();
    assertThat(p.document()).isEqualTo("D1 D2");
    assertThat(p.question()).isEqualTo("Q here?");
    assertThat(p.prompt()).isEqualTo("Read this.<text>D1 D2</text>\nQ here?");
    assertThat(PromptTemplate.recover("No document here. What?")).isEmpty();
    assertThat(PromptTemplate.recover("</text> before <text>")).isEmpty();
  }

  @Test
  void sourceMarkersMatchCaseInsensitively() {
    assertThat(PromptTemplate.matches("Long_TOC_Choices_2", List.of("long_toc_choices"))).isTrue();
    assertThat(PromptTemplate.matches("docmath_qa", List.of("long_toc_choices"))).isFalse();
  }
}
