package io.longctx.transforms.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.longctx.common.ConfigException;
import io.longctx.jobs.cli.LongctxCli;
import io.longctx.policy.tokenizer.BpeTokenizer;
import io.longctx.policy.tokenizer.ChatTemplate;
import io.longctx.rewards.HybridReward;
import io.longctx.rewards.HybridRewardTest;
import io.longctx.rewards.Judge;
import io.longctx.rewards.JudgePrompt;
import io.longctx.rewards.JudgeVerdict;
import io.longctx.rewards.RewardsConfig;
import io.longctx.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process judge on real checkpoints whose greedy reply is known ({@link ChainModel}): the reply is decoded
 * by the policy engine from the chat-templated reference prompt, parsed strictly, batched, cached per JVM, and used
 * by the hybrid reward on Spark and by {@code longctx reward --judge-local}.
 */
class LocalModelJudgeTest extends SparkTestBase {
  private static final String YES_REPLY = "The answers match. [[YES]]";
  private static final String NO_REPLY = "The answers differ. [[NO]]";
  @TempDir static Path root;
  private static BpeTokenizer tok;
  private static Path yesModel;
  private static Path noModel;

  @BeforeAll
  static void models() throws IOException {
    tok = ChainModel.tokenizer(YES_REPLY, NO_REPLY);
    int start = lastPromptToken();
    yesModel = ChainModel.write(root.resolve("yes"), tok, start, YES_REPLY);
    noModel = ChainModel.write(root.resolve("no"), tok, start, NO_REPLY);
  }

  private static RewardsConfig.JudgeConfig local(Path model, int maxTokens, int batch) {
    return new RewardsConfig.JudgeConfig(true, "", model.toString(), "", 1_000, 0, 0, batch, maxTokens,
        RewardsConfig.JudgeConfig.LOCAL, "bpe:" + model.resolve("merges.txt"), "chatml", "cpu");
  }

  private static List<Judge.Request> requests() {
    return List.of(
        new Judge.Request("Which city hosts the archive?", "Paris", "paris"),
        new Judge.Request("How many?", "3", "three"),
        new Judge.Request("A much longer problem statement, so that the prompts of one batch differ in length "
            + "and the shorter ones are padded on the left?", "the 12th of May", "May 12"),
        new Judge.Request(null, "", "x"));
  }

  @Test
  void verdictsComeFromTheModelsGreedyReplyInPaddedBatches() {
    for (int batch : new int[] {1, 3, 8}) {
      List<Judge.Result> yes = JudgeBackends.fromConfig(local(yesModel, 64, batch)).judgeAll(requests());
      assertThat(yes).as("batch %d", batch).hasSize(4)
          .allSatisfy(r -> assertThat(r).isEqualTo(new Judge.Result(JudgeVerdict.YES, YES_REPLY)));
      List<Judge.Result> no = JudgeBackends.fromConfig(local(noModel, 64, batch)).judgeAll(requests());
      assertThat(no).allSatisfy(r -> assertThat(r).isEqualTo(new Judge.Result(JudgeVerdict.NO, NO_REPLY)));
    }
    Judge single = JudgeBackends.fromConfig(local(yesModel, 64, 2));
    assertThat(single.judge(requests().get(0)).score()).isEqualTo(1.0);
  }

  @Test
  void aReplyCutByMaxTokensIsUnparseableAndScoresZero() {
    int[] replyIds = tok.encode(YES_REPLY);
    Judge.Result r = JudgeBackends.fromConfig(local(yesModel, 3, 4)).judge(requests().get(0));
    assertThat(r.reply()).isEqualTo(tok.decode(Arrays.copyOf(replyIds, 3))).doesNotContain("[[");
    assertThat(r.verdict()).isEqualTo(JudgeVerdict.UNPARSEABLE);
    assertThat(r.score()).isZero();
  }

  @Test
  void theModelSeesTheReferencePromptInItsChatTemplate() {
    LocalModelJudge judge = LocalModelJudge.fromConfig(local(yesModel, 8, 1));
    assertThat(judge.render(new Judge.Request("Where?", "Left Bank", "rive gauche"))).isEqualTo(
        "<|im_start|>system\n" + JudgePrompt.SYSTEM + "<|im_end|>\n"
            + "<|im_start|>user\n\nProblem: Where?\nAnswer 1: Left Bank\nAnswer 2: rive gauche\n<|im_end|>\n"
            + "<|im_start|>assistant\n");
    LocalModelJudge r1 = LocalModelJudge.fromConfig(local(yesModel, 8, 1).withLocalModel(yesModel.toString(),
        "bpe:" + yesModel.resolve("merges.txt"), "r1"));
    assertThat(r1.render(new Judge.Request("Q", "A", "B")))
        .startsWith("<｜begin▁of▁sentence｜>" + JudgePrompt.SYSTEM + "<｜User｜>\nProblem: Q\n")
        .endsWith("<｜Assistant｜><think>\n");
  }

  @Test
  void misconfiguredJudgesFailNamingTheKey() throws IOException {
    assertThatThrownBy(() -> JudgeBackends.fromConfig(local(root.resolve("absent"), 8, 1)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("rewards.judge.model")
        .hasMessageContaining("no config.json");
    // No tokenizer configured and no tokenizer.json next to the weights.
    RewardsConfig.JudgeConfig noTokenizer = local(yesModel, 8, 1).withLocalModel(yesModel.toString(), "", "chatml");
    assertThatThrownBy(() -> JudgeBackends.fromConfig(noTokenizer))
        .isInstanceOf(ConfigException.class).hasMessageContaining("rewards.judge.tokenizer")
        .hasMessageContaining("tokenizer.json");
    // A tokenizer with more ids than the model's embedding table: refused when the model loads.
    Judge tooWide = JudgeBackends.fromConfig(
        local(yesModel, 8, 1).withLocalModel(yesModel.toString(), "synth-bpe", "chatml"));
    assertThatThrownBy(() -> tooWide.judge(requests().get(0)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("do not fit");
    // Backend and template are validated with the rest of the config.
    RewardsConfig.JudgeConfig d = RewardsConfig.JudgeConfig.defaults();
    assertThatThrownBy(() -> new RewardsConfig.JudgeConfig(true, d.endpoint(), d.model(), "", 1, 0, 0, 1, 1, "vllm",
        "", "chatml", "auto").validate()).hasMessageContaining("rewards.judge.backend");
    assertThatThrownBy(() -> local(yesModel, 8, 1).withLocalModel(yesModel.toString(), "", "llama3").validate())
        .hasMessageContaining("rewards.judge.chat-template");
    // A local judge needs no endpoint; the HTTP one does.
    local(yesModel, 8, 1).validate();
    assertThat(JudgeBackends.fromConfig(d)).isNull();
  }

  @Test
  void hybridRewardOnSparkAsksTheLocalJudgeWhereTheRuleFailsAndLoadsItOncePerJvm() throws IOException {
    Path model = ChainModel.write(root.resolve("yes-spark"), tok, lastPromptToken(), YES_REPLY);
    RewardsConfig cfg = RewardsConfig.defaults().withJudge(local(model, 64, 4));
    List<Row> rows = List.of(
        RowFactory.create("a", "musique", "Where?", "<think>x</think> So the answer is Paris.", "Paris", 5),
        RowFactory.create("b", "hotpotqa", "Where?", "<think>x</think> the answer is Left Bank", "rive gauche", 5),
        RowFactory.create("c", "frames", "Who?", "<think>x</think> the answer is Lyon", "Paris", 5),
        RowFactory.create("d", "frames", "Who?", "no think tag: the answer is Paris", "Paris", 5),
        RowFactory.create("e", "long_toc_choices_x", "Which?", "<think>x</think>The correct answer is (C)", "B", 5),
        RowFactory.create("f", "docmath", "How much?", "<think>x</think> the answer is 12", "13", 5));
    int before = LocalModelJudge.loads();
    Dataset<Row> frame = spark().createDataFrame(rows, HybridRewardTest.SCHEMA).repartition(3);
    Dataset<Row> scored = HybridReward.score(frame, cfg,
        JudgeBackends.fromConfig(cfg.judge())).orderBy("sample_id");
    for (int pass = 0; pass < 2; pass++) {
      List<Row> out = scored.collectAsList();
      assertThat(out).extracting(r -> r.<String>getAs("sample_id")).containsExactly("a", "b", "c", "d", "e", "f");
      assertThat((Object) out.get(0).getAs(HybridReward.JUDGE_SCORE)).isNull(); // the rule already says 1
      for (int i : new int[] {1, 2, 5}) {
        Row r = out.get(i);
        assertThat(r.<Double>getAs("rule_score")).as(r.toString()).isZero();
        assertThat(r.<Double>getAs(HybridReward.JUDGE_SCORE)).as(r.toString()).isEqualTo(1.0);
        assertThat(r.<String>getAs(HybridReward.JUDGE_VERDICT)).isEqualTo("yes");
        assertThat(r.<Double>getAs(HybridReward.REWARD)).isEqualTo(1.0);
      }
      assertThat((Object) out.get(3).getAs(HybridReward.JUDGE_SCORE)).isNull(); // no answer extracted
      assertThat((Object) out.get(4).getAs(HybridReward.JUDGE_SCORE)).isNull(); // choice letters are never judged
      assertThat(out.get(4).<Double>getAs(HybridReward.REWARD)).isZero();
      // Three partitions, two actions: the model was loaded once in this JVM.
      assertThat(LocalModelJudge.loads() - before).isEqualTo(1);
    }
  }

  @Test
  void rewardCommandJudgesInProcessWithJudgeLocal() throws Exception {
    Path in = root.resolve("cli-in.jsonl");
    Path out = root.resolve("cli-out.jsonl");
    Files.write(in, List.of(
        "{\"data_source\": \"hotpotqa\", \"question\": \"Where?\", "
            + "\"response\": \"<think>x</think> the answer is Left Bank\", \"gold\": \"rive gauche\"}",
        "{\"data_source\": \"musique\", \"question\": \"Where?\", "
            + "\"response\": \"<think>x</think> the answer is Paris\", \"gold\": \"Paris\"}"));
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      code = LongctxCli.execute("reward", "--in", in.toString(), "--out", out.toString(),
          "--judge-local", noModel.toString(), "--set", "rewards.judge.tokenizer=bpe:" + noModel.resolve("merges.txt"),
          "--set", "rewards.judge.device=cpu");
    } finally {
      System.setOut(old);
    }
    assertThat(code).as(buf.toString(StandardCharsets.UTF_8)).isZero();
    ObjectMapper json = new ObjectMapper();
    JsonNode summary = json.readTree(buf.toString(StandardCharsets.UTF_8).trim());
    assertThat(summary.get("judged").asLong()).isEqualTo(1);
    List<String> lines = Files.readAllLines(out);
    JsonNode judged = json.readTree(lines.get(0));
    assertThat(judged.get("rule_score").asDouble()).isZero();
    assertThat(judged.get("judge_score").asDouble()).isZero(); // the "no" model said [[NO]]
    assertThat(judged.get("score").asDouble()).isZero();
    JsonNode ruled = json.readTree(lines.get(1));
    assertThat(ruled.get("score").asDouble()).isEqualTo(1.0);
    assertThat(ruled.get("judge_score").isNull()).isTrue();
  }

  private static int lastPromptToken() {
    int[] prompt = tok.encode(ChatTemplate.CHATML.render(JudgePrompt.SYSTEM, JudgePrompt.user("x", "y", "z")));
    return prompt[prompt.length - 1];
  }
}
