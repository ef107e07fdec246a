package io.longctx.transforms.eval;

import java.nio.file.Path;
import java.util.List;

/**
 * The evaluation area's user-facing errors: each says what failed, why, and how to fix it. Thrown as {@link
 * EvalException}.
 */
public final class EvalErrors {
  private EvalErrors() {}

  /** An evaluation failure with a message meant for the person running the job. */
  public static final class EvalException extends RuntimeException {
    public EvalException(String message) {
      super(message);
    }

    EvalException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static EvalException unknownBenchmark(String key, List<String> known) {
    return new EvalException(
        "Unknown benchmark '" + key + "'. Known benchmarks: " + known
            + ". Use one of these names in --benchmarks or under eval.benchmarks in the config.");
  }

  static EvalException unreadableFile(Path file, Exception cause) {
    return new EvalException(
        "Cannot read benchmark file " + file + ": " + cause.getMessage()
            + ". Check the path under eval.benchmarks; files are read from local or mounted storage, never downloaded.",
        cause);
  }

  static EvalException wrongLayout(String benchmark, Path file, String expected, List<String> found) {
    return new EvalException(
        "Benchmark '" + benchmark + "' cannot read " + file + ": its columns " + found + " fit none of its layouts;"
            + " expected " + expected + ". Is this the right file for '" + benchmark + "'?");
  }

  static EvalException needsSpark(Path file) {
    return new EvalException(
        "Cannot read " + file + " without Spark: Parquet files and Delta tables are read by the eval job's Spark"
            + " session (BenchmarkLoader.Options.spark).");
  }

  static EvalException missingPages(Path path) {
    return new EvalException(
        "eval.frames.pages is " + path + ", which does not exist. Point it at a JSON-lines, JSON, Parquet or Delta"
            + " source of the Wikipedia articles (url, title, text), or leave it empty.");
  }

  /** One line for every Frames article the published file links to and the pages source lacks. */
  static EvalException missingFramesArticles(int itemsMissing, int items, java.util.Collection<String> titles,
      int shown, String pagesSource) {
    String first = String.join(", ", titles.stream().limit(shown).map(t -> "'" + t + "'").toList());
    return new EvalException(
        "Frames: " + titles.size() + " Wikipedia article(s) needed by " + itemsMissing + " of " + items
            + " item(s) are not in " + (pagesSource == null ? "any pages source (eval.frames.pages is not set)"
            : "eval.frames.pages (" + pagesSource + ")") + ": " + first + (titles.size() > shown ? ", ..." : "")
            + ". The published test.tsv has links, not texts: supply the articles as url, title, text in"
            + " eval.frames.pages, or set eval.frames.missing-pages=partial to score those items with the articles"
            + " found (flagged by missing_documents).");
  }

  static EvalException missingFile(String benchmark, Path file) {
    return new EvalException(
        "Benchmark '" + benchmark + "' is configured to read " + file + ", which does not exist. "
            + "Download the published file there, or remove the benchmark from eval.benchmarks / --benchmarks.");
  }

  /** Bad records were found and {@code eval.strict} is on: lists up to ten of them. */
  public static EvalException badRecords(List<LoadProblem> problems) {
    StringBuilder sb = new StringBuilder();
    sb.append(problems.size()).append(" bad benchmark record(s), e.g.");
    for (int i = 0; i < Math.min(10, problems.size()); i++) {
      sb.append(i == 0 ? " " : "; ").append(problems.get(i));
    }
    sb.append(". Fix the files, or set eval.strict=false to evaluate the good records and list the bad ones.");
    return new EvalException(sb.toString());
  }

  static EvalException missingResponses(String benchmark, String itemId, int sampleIndex, Path file) {
    return new EvalException(
        "No response for benchmark '" + benchmark + "', item '" + itemId + "', sample " + sampleIndex + " in " + file
            + ". A responses file must hold one line per (benchmark, item_id, sample_index) for k samples per item.");
  }

  public static EvalException runNotFound(String run, String table) {
    return new EvalException(
        "No rows for run '" + run + "' in " + table + ". Run 'bin/longctx eval --set eval.run=" + run
            + "' first, or check the run name (see SELECT DISTINCT run FROM eval_results).");
  }

  /** Generation was asked for but no generator is available for this checkpoint. */
  public static EvalException noGenerator(String checkpoint, String why) {
    return new EvalException(
        "Cannot generate responses for checkpoint " + checkpoint + ": " + why
            + ". Pass --responses FILE to score responses generated elsewhere (e.g. by a vLLM server).");
  }

  static EvalException generationFailed(String benchmark, String itemId, Throwable cause) {
    return new EvalException(
        "Generation failed for benchmark '" + benchmark + "', item '" + itemId + "': " + cause.getMessage(), cause);
  }
}
