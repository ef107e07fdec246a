package io.longctx.rewards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.longctx.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

public class HybridRewardTest extends SparkTestBase {
  /** A rollouts frame with every column the hybrid reward reads; other tests build rows against it too. */
  public static final StructType SCHEMA = new StructType()
      .add("sample_id", DataTypes.StringType)
      .add("data_source", DataTypes.StringType)
      .add("question", DataTypes.StringType)
      .add("response", DataTypes.StringType)
      .add("gold", DataTypes.StringType)
      .add("response_tokens", DataTypes.IntegerType);

  private static Row row(String id, String source, String response, String gold, Integer tokens) {
    return RowFactory.create(id, source, "Which one?", response, gold, tokens);
  }

  @Test
  void allParityCasesAgreeWhenScoredOnSpark() throws Exception {
    List<JsonNode> cases = RewardParityTest.cases();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      JsonNode c = cases.get(i);
      rows.add(row(String.valueOf(i), c.get("data_source").asText(), c.get("response").asText(),
          c.get("gold").asText(), 10));
    }
    Dataset<Row> scored = HybridReward.score(spark().createDataFrame(rows, SCHEMA).repartition(3),
        RewardsConfig.defaults(), null);
    List<Row> out = scored.collectAsList();
    assertThat(out).hasSize(cases.size());
    for (Row r : out) {
      JsonNode c = cases.get(Integer.parseInt(r.getAs("sample_id")));
      assertThat(r.<Double>getAs("rule_score")).as(c.toString()).isEqualTo(c.get("expected").asDouble());
      assertThat(r.<Double>getAs("reward")).isEqualTo(c.get("expected").asDouble());
      assertThat(r.<Double>getAs("shaped_reward")).isEqualTo(c.get("expected").asDouble());
      assertThat((Object) r.getAs("judge_score")).isNull();
    }
  }

  @Test
  void judgeIsAskedOnlyWhereTheRuleFailsAndRewardIsTheMax() throws Exception {
    try (LoopbackJudgeServer server = new LoopbackJudgeServer()) {
      RewardsConfig cfg = RewardsConfig.defaults().withJudge(new RewardsConfig.JudgeConfig(true,
          server.endpoint("ok"), "judge", "", 5_000, 1, 5, 4, 64));
      List<Row> rows = List.of(
          // rule 1: judge not asked
          row("a", "musique", "<think>x</think> So the answer is Paris.", "Paris", 5),
          // rule 0, judge says YES (equal ignoring case after extraction: "1/2" vs "1/2")
          row("b", "hotpotqa", "<think>x</think> the answer is 1/2", "1/2 ", 5),
          // rule 0 with a differing answer: judge says NO
          row("c", "frames", "<think>x</think> the answer is Lyon", "Paris", 5),
          // no answer extracted: judge not asked
          row("d", "frames", "no think tag: the answer is Paris", "Paris", 5),
          // a wrong multiple-choice letter: never judged (as in the reference)
          row("e", "long_toc_choices_x", "<think>x</think>The correct answer is (C)", "B", 5));
      List<Row> out = HybridReward.score(spark().createDataFrame(rows, SCHEMA), cfg,
          Judges.openAi(cfg.judge())).collectAsList();
      assertThat(out.get(0).<Double>getAs("rule_score")).isEqualTo(1.0);
      assertThat((Object) out.get(0).getAs("judge_score")).isNull();
      assertThat(out.get(1).<Double>getAs("rule_score")).isEqualTo(1.0);
      assertThat(out.get(2).<Double>getAs("rule_score")).isEqualTo(0.0);
      assertThat(out.get(2).<Double>getAs("judge_score")).isEqualTo(0.0);
      assertThat(out.get(2).<String>getAs("judge_verdict")).isEqualTo("no");
      assertThat(out.get(2).<String>getAs("pred")).isEqualTo("Lyon");
      assertThat((Object) out.get(3).getAs("judge_score")).isNull();
      assertThat((Object) out.get(3).getAs("pred")).isNull();
      assertThat(out.get(4).<Double>getAs("reward")).isEqualTo(0.0);
      assertThat((Object) out.get(4).getAs("judge_score")).isNull();
      assertThat(server.requests.get()).isEqualTo(1);
    }
  }

  @Test
  void judgeYesLiftsTheReward() throws Exception {
    try (LoopbackJudgeServer server = new LoopbackJudgeServer()) {
      RewardsConfig cfg = RewardsConfig.defaults().withJudge(new RewardsConfig.JudgeConfig(true,
          server.endpoint("yes"), "judge", "", 5_000, 1, 5, 4, 64));
      List<Row> rows = List.of(row("a", "docmath_x", "<think>x</think> The answer is 0.3", "0.30", 5),
          row("b", "musique", "<think>x</think> the answer is Rive Gauche", "rive gauche!", 5),
          row("c", "musique", "<think>x</think> the answer is Left Bank", "rive gauche", 5));
      // collect once: every action re-runs the judge (callers persist the scored frame)
      List<Row> out = HybridReward.score(spark().createDataFrame(rows, SCHEMA), cfg, Judges.openAi(cfg.judge()))
          .collectAsList();
      assertThat(out.get(0).<Double>getAs("reward")).isEqualTo(1.0); // rule already 1
      assertThat(out.get(1).<Double>getAs("rule_score")).isEqualTo(1.0);
      assertThat(out.get(2).<Double>getAs("rule_score")).isEqualTo(0.0);
      assertThat(out.get(2).<Double>getAs("judge_score")).isEqualTo(1.0);
      assertThat(out.get(2).<String>getAs("judge_verdict")).isEqualTo("yes");
      assertThat(out.get(2).<Double>getAs("reward")).isEqualTo(1.0);
      assertThat(server.requests.get()).isEqualTo(1);
      String user = server.bodies.get(0).at("/messages/1/content").asText();
      assertThat(user).isEqualTo("\nProblem: Which one?\nAnswer 1: Left Bank\nAnswer 2: rive gauche\n");
    }
  }

  @Test
  void advantagesOverJudgedRewardsAskTheJudgeOncePerRow() throws Exception {
    try (LoopbackJudgeServer server = new LoopbackJudgeServer()) {
      RewardsConfig cfg = RewardsConfig.defaults().withJudge(new RewardsConfig.JudgeConfig(true,
          server.endpoint("ok"), "judge", "", 5_000, 1, 5, 4, 64));
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        // every rule fails ("beta<i>" vs "alpha"), so the judge is asked about every row (and says NO)
        rows.add(row("g" + (i / 3), "hotpotqa", "<think>t</think> the answer is beta" + i, "alpha", 100));
      }
      Dataset<Row> scored = HybridReward.score(spark().createDataFrame(rows, SCHEMA), cfg, Judges.openAi(cfg.judge()));
      List<Row> out = GroupAdvantages.computeWithKept(scored, "sample_id", HybridReward.SHAPED_REWARD,
          HybridReward.REWARD, cfg.advantage()).collectAsList();
      assertThat(out).hasSize(6);
      assertThat(server.requests.get()).isEqualTo(6); // once per row, not once per plan branch
      for (Row r : out) {
        assertThat(r.<String>getAs("judge_verdict")).isEqualTo("no");
        assertThat(r.<Double>getAs("reward")).isEqualTo(0.0);
        assertThat(r.<Boolean>getAs("kept")).isFalse();
        assertThat(r.<Double>getAs("advantage")).isEqualTo(0.0);
      }
    }
  }

  @Test
  void overlongShapingFollowsDapo() {
    RewardsConfig.OverlongConfig o = new RewardsConfig.OverlongConfig(true, 100, 20, 1.0);
    RewardsConfig cfg = new RewardsConfig(RewardsConfig.defaults().sourceVerifiers(),
        RewardsConfig.JudgeConfig.defaults(), o, RewardsConfig.AdvantageConfig.defaults());
    int[] lengths = {10, 80, 85, 90, 100, 130};
    double[] penalty = {0, 0, -0.25, -0.5, -1, -1};
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < lengths.length; i++) {
      rows.add(row("r" + i, "musique", "<think>x</think> the answer is Paris", "Paris", lengths[i]));
    }
    rows.add(row("r9", "musique", "<think>x</think> the answer is Paris", "Paris", null));
    List<Row> out = HybridReward.score(spark().createDataFrame(rows, SCHEMA), cfg, null)
        .orderBy("sample_id").collectAsList();
    for (int i = 0; i < lengths.length; i++) {
      assertThat(out.get(i).<Double>getAs("shaped_reward")).isCloseTo(1.0 + penalty[i], within(1e-12));
      assertThat(HybridReward.overlongPenalty(lengths[i], o)).isCloseTo(penalty[i], within(1e-12));
    }
    assertThat(out.get(6).<Double>getAs("shaped_reward")).isEqualTo(1.0);
  }

  @Test
  void unmappedSourceIsAClearError() {
    List<Row> rows = List.of(row("a", "mystery_bench", "<think>x</think> the answer is 1", "1", 5),
        row("b", "musique", "<think>x</think> the answer is 1", "1", 5));
    Dataset<Row> df = spark().createDataFrame(rows, SCHEMA);
    assertThat(HybridReward.unmappedSources(df, RewardsConfig.defaults())).containsExactly("mystery_bench");
    assertThatThrownBy(() -> HybridReward.score(df, RewardsConfig.defaults(), null).collectAsList())
        .hasStackTraceContaining("No rule verifier for data_source 'mystery_bench'")
        .hasStackTraceContaining("rewards.source-verifiers.mystery_bench=multihop");
  }

  @Test
  void enabledJudgeWithoutAJudgeIsAnError() {
    RewardsConfig cfg = RewardsConfig.defaults().withJudge(RewardsConfig.JudgeConfig.defaults().withEnabled(true));
    Dataset<Row> df = spark().createDataFrame(List.of(), SCHEMA);
    assertThatThrownBy(() -> HybridReward.score(df, cfg, null)).isInstanceOf(RewardException.class)
        .hasMessageContaining("rewards.judge.enabled");
  }

  @Test
  void missingColumnsAreNamed() {
    Dataset<Row> df = spark().createDataFrame(List.of(), SCHEMA).drop("gold");
    assertThatThrownBy(() -> HybridReward.score(df, RewardsConfig.defaults(), null))
        .isInstanceOf(RewardException.class).hasMessageContaining("[gold]");
  }
}
