package io.longctx.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.longctx.policy.tokenizer.ChatTemplate;
import io.longctx.transforms.PromptTemplate;
import org.junit.jupiter.api.Test;

/** {@code sft.question-loss}: where the trained-on text starts in a rendered prompt. */
class WarmupSftQuestionLossTest {
  @Test
  void targetStartsAtTheEndOfTheDocument() {
    String prompt = PromptTemplate.build("The code of Kafomi is 7. Lu sold many jars.", "What is the code of Kafomi?",
        false).prompt();
    String rendered = ChatTemplate.PLAIN.render(prompt);
    int cut = WarmupSftJob.tailStart(rendered, prompt);
    assertThat(rendered.substring(0, cut)).endsWith("Lu sold many jars.").contains("<text>");
    assertThat(rendered.substring(cut))
        .startsWith("\n</text>\n\nWhat is the code of Kafomi?")
        .endsWith(PromptTemplate.ANSWER_FORMAT + "\n<|assistant|>\n");
  }

  @Test
  void promptWithoutTextBlockKeepsEverythingInThePrompt() {
    String prompt = "Code of Kal0? Kal0 code 10.";
    String rendered = ChatTemplate.PLAIN.render(prompt);
    assertThat(WarmupSftJob.tailStart(rendered, prompt)).isEqualTo(rendered.length());
  }

  @Test
  void documentThatRepeatsTheTailTextStillCutsAtTheLastBlock() {
    String doc = "Quoted: </text> then more. The room of Lemade is 3.";
    String prompt = PromptTemplate.build(doc, "What is the room of Lemade?", false).prompt();
    String rendered = ChatTemplate.PLAIN.render(prompt);
    String target = rendered.substring(WarmupSftJob.tailStart(rendered, prompt));
    assertThat(target).startsWith("\n</text>\n\nWhat is the room of Lemade?").doesNotContain("Lemade is 3");
  }
}
