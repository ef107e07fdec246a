package io.longctx.jobs.config;

import io.longctx.common.Check;
import io.longctx.common.ConfigException;
import io.longctx.transforms.rollout.RolloutBackendConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code eval} config section: which benchmark files to read and the QwenLong-L1 evaluation protocol.
 *
 * @param run the run name the results are recorded under ({@code eval_results.run})
 * @param checkpoint model directory to evaluate; empty means {@code policy.model}
 * @param benchmarks benchmark name ({@code docmath, frames, 2wikimqa, hotpotqa, musique, narrativeqa, qasper,
 *     longbench-v2, mrcr, synth}) to its files in the published layout; relative paths are resolved against the
 *     warehouse root
 * @param samplesPerItem k responses per item (pass@k, mean@k)
 * @param greedy arg-max decoding instead of sampling
 * @param temperature sampling temperature (paper: 0.7)
 * @param topP nucleus mass (paper: 0.95)
 * @param maxInputTokens input cap with middle truncation (paper: 120000)
 * @param maxNewTokens response cap (paper: 10000)
 * @param seed base seed of the per-(item, sample) seeds
 * @param batchSize prompts per generation batch on an executor
 * @param partitions partitions of the generation step; 0 means one per benchmark item up to the default
 *     parallelism
 * @param golds {@code first} scores against the first gold answer (the reference evaluation); {@code all} takes
 *     the best score over all gold answers
 * @param strict fail when a benchmark file has a bad record; when false the bad records are listed and skipped
 * @param responses optional JSON-lines file of responses generated elsewhere to score instead of generating
 * @param frames where the published Frames file's Wikipedia articles come from
 * @param rollout where responses are generated: the built-in engine, or an OpenAI-compatible server
 *     ({@code eval.rollout.backend: http}; the checkpoint reaches it as {@code eval.rollout.weights} says)
 */
public record EvalConfig(
    String run,
    String checkpoint,
    Map<String, List<String>> benchmarks,
    int samplesPerItem,
    boolean greedy,
    double temperature,
    double topP,
    int maxInputTokens,
    int maxNewTokens,
    long seed,
    int batchSize,
    int partitions,
    String golds,
    boolean strict,
    String responses,
    FramesConfig frames,
    RolloutBackendConfig rollout) {

  public static final List<String> BENCHMARK_NAMES =
      List.of("docmath", "frames", "2wikimqa", "hotpotqa", "musique", "narrativeqa", "qasper", "longbench-v2",
          "mrcr", "synth");

  /**
   * The {@code eval.frames} section.
   *
   * @param pages the Wikipedia articles the published Frames file ({@code test.tsv}) links to: a JSON-lines, JSON,
   *     Parquet or Delta source with {@code url}, {@code title}, {@code text}; relative paths are under the
   *     warehouse root; empty means none
   * @param missingPages {@code fail} (one error naming the missing articles) or {@code partial} (score those
   *     items with the articles found; {@code eval_results.missing_documents} counts the missing ones)
   */
  public record FramesConfig(String pages, String missingPages) {
    public static FramesConfig defaults() {
      return new FramesConfig("", "fail");
    }

    void validate() {
      Check.oneOf("eval.frames.missing-pages", missingPages, List.of("fail", "partial"));
    }
  }

  public static EvalConfig defaults() {
    Map<String, List<String>> b = new LinkedHashMap<>();
    b.put("synth", List.of("synth/heldout.jsonl"));
    return new EvalConfig(
        "local", "", b, 1, false, 0.7, 0.95, 120_000, 10_000, 1234L, 8, 0, "first", true, "",
        FramesConfig.defaults(), RolloutBackendConfig.defaults());
  }

  public void validate() {
    Check.notBlank("eval.run", run);
    if (benchmarks == null || benchmarks.isEmpty()) {
      throw new ConfigException("eval.benchmarks", "must map at least one benchmark to its files");
    }
    for (Map.Entry<String, List<String>> e : benchmarks.entrySet()) {
      Check.oneOf("eval.benchmarks", e.getKey(), BENCHMARK_NAMES);
      if (e.getValue() == null || e.getValue().isEmpty()) {
        throw new ConfigException("eval.benchmarks." + e.getKey(), "must list at least one file");
      }
      for (int i = 0; i < e.getValue().size(); i++) {
        Check.notBlank("eval.benchmarks." + e.getKey() + "[" + i + "]", e.getValue().get(i));
      }
    }
    Check.range("eval.samples-per-item", samplesPerItem, 1, 1024);
    Check.positive("eval.temperature", temperature);
    Check.range("eval.top-p", topP, 1e-6, 1.0);
    Check.positive("eval.max-input-tokens", maxInputTokens);
    Check.positive("eval.max-new-tokens", maxNewTokens);
    Check.positive("eval.batch-size", batchSize);
    Check.range("eval.partitions", partitions, 0, 100_000);
    Check.oneOf("eval.golds", golds, List.of("first", "all"));
    if (frames == null) {
      throw new ConfigException("eval.frames", "must be a section with pages and missing-pages");
    }
    frames.validate();
    if (rollout == null) {
      throw new ConfigException("eval.rollout", "must be a mapping (backend, endpoint, ...)");
    }
    rollout.validate("eval.rollout");
  }

  /** A copy with command-line choices applied (null leaves a setting as configured). */
  public EvalConfig with(String newRun, String newCheckpoint, Map<String, List<String>> newBenchmarks, Integer k,
      Boolean newGreedy, String newResponses) {
    return new EvalConfig(
        newRun != null ? newRun : run,
        newCheckpoint != null ? newCheckpoint : checkpoint,
        newBenchmarks != null ? newBenchmarks : benchmarks,
        k != null ? k : samplesPerItem,
        newGreedy != null ? newGreedy : greedy,
        temperature, topP, maxInputTokens, maxNewTokens, seed, batchSize, partitions, golds, strict,
        newResponses != null ? newResponses : responses, frames, rollout);
  }
}
