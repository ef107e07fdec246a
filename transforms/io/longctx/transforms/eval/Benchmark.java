package io.longctx.transforms.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The eight evaluation benchmarks, each with its published file layout and the {@code data_source} that routes
 * its responses to a reward verifier. The names are the config keys under {@code eval.benchmarks} and the
 * values of the {@code benchmark} column of {@code eval_results}.
 */
public enum Benchmark {
  /** DocMath-Eval testmini (simpshort, simplong, compshort, complong): {@code paragraphs}, {@code question},
   * {@code ground_truth}. */
  DOCMATH("docmath", Layout.DOCMATH, "docmath"),
  /** Frames with retrieved Wikipedia pages: {@code Prompt}, {@code Answer}, {@code wiki_items[{title, text}]}. */
  FRAMES("frames", Layout.FRAMES, "frames"),
  /** LongBench v1 2WikiMultihopQA. */
  TWOWIKIMQA("2wikimqa", Layout.LONGBENCH, "2wikimqa"),
  /** LongBench v1 HotpotQA. */
  HOTPOTQA("hotpotqa", Layout.LONGBENCH, "hotpotqa"),
  /** LongBench v1 MuSiQue. */
  MUSIQUE("musique", Layout.LONGBENCH, "musique"),
  /** LongBench v1 NarrativeQA. */
  NARRATIVEQA("narrativeqa", Layout.LONGBENCH, "narrativeqa"),
  /** LongBench v1 Qasper. */
  QASPER("qasper", Layout.LONGBENCH, "qasper"),
  /** The synthetic held-out set ({@code synth/heldout.jsonl}): plain layout; {@code data_source} per record. */
  SYNTH("synth", Layout.PLAIN, null);

  /** The file layouts the loaders understand. */
  public enum Layout {
    DOCMATH,
    FRAMES,
    LONGBENCH,
    PLAIN
  }

  private final String key;
  private final Layout layout;
  private final String dataSource;

  Benchmark(String key, Layout layout, String dataSource) {
    this.key = key;
    this.layout = layout;
    this.dataSource = dataSource;
  }

  /** Config key and {@code benchmark} column value, e.g. {@code 2wikimqa}. */
  public String key() {
    return key;
  }

  public Layout layout() {
    return layout;
  }

  /** The {@code data_source} for reward routing, or null when each record carries its own (synthetic set). */
  public String dataSource() {
    return dataSource;
  }

  /** Looks a benchmark up by its key (case-insensitive). */
  public static Benchmark forKey(String key) {
    for (Benchmark b : values()) {
      if (b.key.equalsIgnoreCase(key.trim())) {
        return b;
      }
    }
    throw EvalErrors.unknownBenchmark(key, keys());
  }

  public static List<String> keys() {
    List<String> keys = new ArrayList<>();
    for (Benchmark b : values()) {
      keys.add(b.key);
    }
    return keys;
  }

  @Override
  public String toString() {
    return key.toLowerCase(Locale.ROOT);
  }
}
