package io.longctx.jobs.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.jobs.SparkSessions;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.rewards.Judge;
import io.longctx.rewards.JsonlRewards;
import io.longctx.rewards.RewardsConfig;
import io.longctx.transforms.judge.JudgeBackends;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code longctx reward --in FILE.jsonl --out FILE.jsonl [--judge]}: scores a JSON-lines file of responses on
 * Spark. Prints one JSON summary line on stdout; exit code 1 when any line was rejected (they are in
 * {@code <out>.rejected.jsonl}, with the reason).
 */
@Command(
    name = "reward",
    mixinStandardHelpOptions = true,
    description = "Score a JSON-lines file (data_source, response, gold[, question]) with the rule verifiers and, "
        + "with --judge, the LLM judge; each output line repeats the input and adds score, rule_score, "
        + "judge_score, pred.")
public final class RewardCommand extends ConfiguredCommand {
  @Option(names = "--in", required = true, paramLabel = "FILE", description = "Input JSON-lines file.")
  String in;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output JSON-lines file.")
  String out;

  @Option(names = "--judge", description = "Ask the LLM judge where the rule fails (sets rewards.judge.enabled).")
  boolean judge;

  @Option(names = "--judge-endpoint", paramLabel = "URL",
      description = "OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1 (default: rewards.judge.endpoint).")
  String judgeEndpoint;

  @Option(names = "--judge-model", paramLabel = "NAME", description = "Judge model name (default: rewards.judge.model).")
  String judgeModel;

  @Option(names = "--judge-local", paramLabel = "DIR",
      description = "Judge in-process with this Hugging Face model directory (e.g. Qwen2.5-1.5B-Instruct) instead of "
          + "an endpoint; implies --judge. Tokenizer and chat template: rewards.judge.tokenizer, .chat-template.")
  String judgeLocal;

  @Override
  protected int run(LongctxConfig config) throws Exception {
    RewardsConfig rc = config.rewards();
    RewardsConfig.JudgeConfig jc = rc.judge();
    if (judgeEndpoint != null || judgeModel != null) {
      jc = jc.withEndpoint(judgeEndpoint == null ? jc.endpoint() : judgeEndpoint,
          judgeModel == null ? jc.model() : judgeModel);
    }
    if (judgeLocal != null) {
      jc = jc.withLocalModel(judgeLocal, jc.tokenizer(), jc.chatTemplate());
    }
    if (judge || judgeLocal != null) {
      jc = jc.withEnabled(true);
    }
    RewardsConfig effective = rc.withJudge(jc);
    effective.validate();
    Judge j = JudgeBackends.fromConfig(jc);
    SparkSession spark = SparkSessions.getOrCreate(config.spark());
    JsonlRewards.Summary s = SparkSessions.withJobGroup(spark, "reward", "score " + in, () -> {
      try {
        return JsonlRewards.scoreFile(spark, in, out, effective, j);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    ObjectNode line = ConfigLoader.jsonMapper().createObjectNode();
    line.put("in", s.in()).put("out", s.out()).put("scored", s.scored()).put("rejected", s.rejected())
        .put("mean_score", s.meanScore()).put("rule_correct", s.ruleCorrect()).put("judged", s.judged())
        .put("judge_unparseable", s.judgeUnparseable()).put("judge_errors", s.judgeErrors());
    if (s.rejectedFile() != null) {
      line.put("rejected_file", s.rejectedFile());
    }
    System.out.println(line);
    if (s.rejected() > 0) {
      System.err.println("longctx reward: " + s.rejected() + " line(s) could not be scored; see "
          + s.rejectedFile() + " (each with its line number and reason)");
      return 1;
    }
    return 0;
  }
}
