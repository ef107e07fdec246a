package io.longctx.transforms.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * Reads benchmark files in their published layouts into {@link EvalItem}s. A file may be JSON lines, a JSON array,
 * Parquet (a file, a directory of files or a Delta table) or delimited text (TSV/CSV as pandas writes it); they are
 * read from local or mounted paths, never downloaded. A file's layout is told from its columns; a file that fits
 * none of the benchmark's layouts is one error naming the expected and the found columns. Every record that
 * cannot be used (malformed JSON, invalid UTF-8, a missing or wrongly typed field, an empty question/document/gold,
 * a duplicate id) is returned as a {@link LoadProblem} naming the file and record: nothing is dropped silently.
 *
 * <p>Frames in its published layout ({@code test.tsv}) has links instead of articles: the articles come from
 * {@link Options#pages()}. Missing articles fail the load with one summary (how many, which) unless
 * {@link Options#partialFrames()} keeps those items, scored with the articles found and flagged by
 * {@link EvalItem#missingDocuments()}.
 */
public final class BenchmarkLoader {
  private static final int TITLES_SHOWN = 5;

  private BenchmarkLoader() {}

  /**
   * How to load: {@code spark} reads Parquet and Delta (null: such files are an error); {@code pages} supplies
   * Frames articles; {@code partialFrames} keeps Frames items with missing articles.
   */
  public record Options(SparkSession spark, FramesPages pages, boolean partialFrames) {
    public static Options defaults() {
      return new Options(null, FramesPages.none(), false);
    }
  }

  /** The usable items, the problems in file order, and notes for the person running the job. */
  public record Result(List<EvalItem> items, List<LoadProblem> problems, List<String> notes) {
    public Result {
      items = List.copyOf(items);
      problems = List.copyOf(problems);
      notes = List.copyOf(notes);
    }
  }

  /** Loads JSON, JSON-lines and delimited files with the default options. */
  public static Result load(Benchmark benchmark, List<Path> files) {
    return load(benchmark, files, Options.defaults());
  }

  /** Loads every file of one benchmark (e.g. the four DocMath testmini subsets). Item ids must be unique. */
  public static Result load(Benchmark benchmark, List<Path> files, Options options) {
    List<EvalItem> items = new ArrayList<>();
    List<LoadProblem> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Map<String, List<String>> missing = new LinkedHashMap<>();
    Layouts.FramesArticles articles = new Layouts.FramesArticles() {
      @Override
      public FramesPages.Page find(String url) {
        return options.pages().find(url);
      }

      @Override
      public void missing(String itemId, List<String> titles) {
        missing.put(itemId, titles);
      }
    };
    for (Path file : files) {
      if (!Files.exists(file)) {
        throw EvalErrors.missingFile(benchmark.key(), file);
      }
      String name = file.getFileName().toString();
      String prefix = files.size() > 1 ? stem(name) + "/" : "";
      FileSink sink = new FileSink(benchmark, file, prefix, articles, items, problems, seen);
      RecordFiles.read(options.spark(), file, sink);
      sink.finish();
    }
    List<String> notes = new ArrayList<>();
    if (!missing.isEmpty()) {
      Set<String> titles = new LinkedHashSet<>();
      missing.values().forEach(titles::addAll);
      if (!options.partialFrames()) {
        throw EvalErrors.missingFramesArticles(missing.size(), items.size(), titles, TITLES_SHOWN,
            options.pages().source());
      }
      notes.add(benchmark.key() + ": " + missing.size() + " item(s) scored without " + titles.size()
          + " missing article(s) (eval.frames.missing-pages: partial; flagged by missing_documents > 0), e.g. "
          + String.join(", ", titles.stream().limit(TITLES_SHOWN).toList()));
    }
    return new Result(items, problems, notes);
  }

  /**
   * One file's records. The layout comes from the header (delimited, Parquet) or from the first JSON record
   * that fits one; JSON records before it wait and are then parsed in order. A file in which no record fits any
   * layout is one error naming the expected columns and those of its first record.
   */
  private static final class FileSink implements RecordFiles.Sink {
    private final Benchmark benchmark;
    private final Path file;
    private final String name;
    private final String prefix;
    private final Layouts.FramesArticles articles;
    private final List<EvalItem> items;
    private final List<LoadProblem> problems;
    private final Set<String> seen;
    private final List<Map.Entry<Long, JsonNode>> waiting = new ArrayList<>();
    private Layouts.FileLayout layout;

    FileSink(Benchmark benchmark, Path file, String prefix, Layouts.FramesArticles articles, List<EvalItem> items,
        List<LoadProblem> problems, Set<String> seen) {
      this.benchmark = benchmark;
      this.file = file;
      this.name = file.getFileName().toString();
      this.prefix = prefix;
      this.articles = articles;
      this.items = items;
      this.problems = problems;
      this.seen = seen;
    }

    @Override
    public void columns(List<String> names) {
      layout = Layouts.detect(benchmark, names);
      if (layout == null) {
        throw wrongLayout(names);
      }
    }

    @Override
    public void record(long number, JsonNode node) {
      if (layout == null) {
        layout = Layouts.detect(benchmark, RecordFiles.fieldNames(node));
        if (layout == null) {
          waiting.add(Map.entry(number, node));
          return;
        }
        for (Map.Entry<Long, JsonNode> w : waiting) {
          parse(w.getKey(), w.getValue());
        }
        waiting.clear();
      }
      parse(number, node);
    }

    @Override
    public void problem(long number, String reason) {
      problems.add(new LoadProblem(benchmark.key(), file.toString(), number, reason));
    }

    void finish() {
      if (!waiting.isEmpty()) {
        throw wrongLayout(RecordFiles.fieldNames(waiting.get(0).getValue()));
      }
    }

    private EvalErrors.EvalException wrongLayout(List<String> found) {
      return EvalErrors.wrongLayout(benchmark.key(), file, Layouts.describe(Layouts.layoutsOf(benchmark)), found);
    }

    private void parse(long number, JsonNode node) {
      try {
        EvalItem item = Layouts.parse(benchmark, layout, node, name + "#" + number, articles);
        item = item.withItemId(prefix + item.itemId());
        if (!seen.add(item.itemId())) {
          problem(number, "duplicate item id '" + item.itemId() + "'");
        } else {
          items.add(item);
        }
      } catch (Layouts.BadRecord e) {
        problem(number, e.getMessage());
      }
    }
  }

  private static String stem(String fileName) {
    int dot = fileName.indexOf('.');
    return dot > 0 ? fileName.substring(0, dot) : fileName;
  }
}
