package io.longctx.notebooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.longctx.jobs.Warehouse;
import io.longctx.notebooks.NotebookSqlCheck.Outcome;
import io.longctx.notebooks.SourceNotebook.Cell;
import io.longctx.testing.SparkTestBase;
import io.longctx.transforms.eval.EvalResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every SQL cell of every notebook in {@code notebooks/} runs against the tables of a small real run of the
 * pipeline and returns rows, so the notebooks cannot silently rot when a table changes; plus the notebooks'
 * layout (markdown first, widgets second) and a few values checked against the library's own computations.
 */
class NotebookSqlTest extends SparkTestBase {
  @TempDir static Path dir;
  static Warehouse warehouse;
  static List<SourceNotebook> notebooks;
  static Map<String, String> widgetValues;
  /** Every SQL cell's outcome, per notebook file name; each cell runs once for all the tests below. */
  static Map<String, List<Outcome>> outcomes = new java.util.LinkedHashMap<>();

  @BeforeAll
  static void runThePipelineAndParseTheNotebooks() throws IOException {
    warehouse = TinyWarehouse.build(spark(), dir);
    notebooks = parseAll(notebooksDir());
    // the ledger version the first RL step left, as the notebook tells its reader to pick it
    long ledgerVersion = spark().read().format("delta").load(warehouse.table(Warehouse.CHECKPOINTS))
        .where("run = '" + TinyWarehouse.RUN + "' AND step = 1").first().getAs("hard_samples_version");
    widgetValues = Map.of(
        "warehouse", warehouse.root().toString(),
        "run", TinyWarehouse.RUN,
        "ledger_version", String.valueOf(ledgerVersion),
        "baseline_eval_run", TinyWarehouse.BASELINE);
    for (SourceNotebook nb : notebooks) {
      outcomes.put(nb.name(), NotebookSqlCheck.run(spark(), nb, widgetValues));
    }
  }

  static Path notebooksDir() {
    return Path.of(System.getProperty("basedir", ".")).resolve("notebooks");
  }

  static List<SourceNotebook> parseAll(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".py")).sorted().map(SourceNotebook::parse).toList();
    }
  }

  private static SourceNotebook notebook(String prefix) {
    return notebooks.stream().filter(n -> n.name().startsWith(prefix)).findFirst().orElseThrow();
  }

  private static List<Row> rows(SourceNotebook nb, String heading) {
    Cell cell = NotebookSqlCheck.sqlAfter(nb, heading);
    Outcome o = outcomes.get(nb.name()).stream()
        .filter(x -> x.cell().index() == cell.index()).findFirst().orElseThrow();
    assertThat(o.failure()).as(nb.name() + " cell " + cell.index()).isNull();
    return o.rows();
  }

  @Test
  void theNotebooksAreThereAndNumbered() {
    assertThat(notebooks).extracting(SourceNotebook::name).containsExactly(
        "01_curated_samples.py", "02_training_curves.py", "03_hard_sample_ledger.py", "04_eval_comparison.py",
        "05_latest_checkpoint.py");
  }

  @Test
  void everyNotebookStartsWithMarkdownThenTheWidgets() {
    List<String> problems = new ArrayList<>();
    for (SourceNotebook nb : notebooks) {
      problems.addAll(NotebookSqlCheck.structureProblems(nb));
      for (String w : nb.widgets().keySet()) {
        if (!widgetValues.containsKey(w)) {
          problems.add(nb.name() + ": widget '" + w + "' has no value in this test; add one from the real run");
        }
      }
    }
    assertThat(problems).as(String.join("\n", problems)).isEmpty();
  }

  @Test
  void everySqlCellOfEveryNotebookRunsAndReturnsRows() {
    List<String> failures = new ArrayList<>();
    int cells = 0;
    for (SourceNotebook nb : notebooks) {
      for (Outcome o : outcomes.get(nb.name())) {
        cells++;
        if (o.failure() != null) {
          failures.add(o.failure());
        }
      }
    }
    assertThat(failures).as("SQL cells that fail or return nothing:\n" + String.join("\n\n", failures)).isEmpty();
    assertThat(cells).isGreaterThanOrEqualTo(20);
  }

  @Test
  void aMissingColumnOrAnEmptyResultIsReportedWithNotebookCellAndSql() throws IOException {
    SourceNotebook nb = notebook("02_");
    Cell cell = NotebookSqlCheck.sqlAfter(nb, "## RL metrics per step");
    Path broken = dir.resolve("broken").resolve(nb.name());
    Files.createDirectories(broken.getParent());
    Files.writeString(broken, Files.readString(nb.file()).replace("m.kept_group_fraction,", "m.kept_groups_fraction,"));
    SourceNotebook brokenNb = SourceNotebook.parse(broken);
    List<Outcome> brokenRun =
        NotebookSqlCheck.run(spark(), brokenNb, widgetValues, List.of(brokenNb.cells().get(cell.index() - 1)));
    List<String> failures = brokenRun.stream().map(Outcome::failure).filter(Objects::nonNull).toList();
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0))
        .startsWith("notebooks/02_training_curves.py cell " + cell.index() + " (SQL) ")
        .contains("kept_groups_fraction")
        .contains("FROM delta.`" + warehouse.root() + "/metrics` m");

    Map<String, String> otherRun = new java.util.HashMap<>(widgetValues);
    otherRun.put("run", "no-such-run");
    Outcome empty = NotebookSqlCheck.run(spark(), nb, otherRun, List.of(cell)).get(0);
    assertThat(empty.failure()).contains("returned no rows").contains("WHERE m.run = 'no-such-run'");
  }

  @Test
  void aReferenceToAnUndeclaredWidgetIsAStructureProblem() throws IOException {
    SourceNotebook nb = notebook("01_");
    Path broken = dir.resolve("broken-ref").resolve(nb.name());
    Files.createDirectories(broken.getParent());
    Files.writeString(broken, Files.readString(nb.file()).replace("${longctx.run}", "${longctx.runn}"));
    assertThat(NotebookSqlCheck.structureProblems(SourceNotebook.parse(broken)))
        .anySatisfy(p -> assertThat(p).contains("${longctx.runn}"));
  }

  @Test
  void bucketCountsAddUpToTheSamplesTable() {
    long samples = spark().read().format("delta").load(warehouse.table(Warehouse.SAMPLES)).count();
    List<Row> buckets = rows(notebook("01_"), "## Lengths per bucket");
    assertThat(buckets.stream().mapToLong(r -> r.<Long>getAs("samples")).sum()).isEqualTo(samples);
    long quarantined = spark().read().format("delta").load(warehouse.table(Warehouse.QUARANTINE)).count();
    List<Row> reasons = rows(notebook("01_"), "## Quarantine reasons");
    assertThat(reasons.stream().mapToLong(r -> r.<Long>getAs("records")).sum()).isEqualTo(quarantined).isEqualTo(3);
  }

  @Test
  void trainingCurvesHaveOneRowPerCommittedStep() {
    List<Row> steps = rows(notebook("02_"), "## RL metrics per step");
    assertThat(steps).extracting(r -> r.<Long>getAs("step")).containsExactly(1L, 2L);
    assertThat(steps).extracting(r -> r.<String>getAs("phase_name")).containsExactly("short", "long");
    assertThat(rows(notebook("02_"), "## Warm-up SFT")).hasSize(1);
  }

  @Test
  void timeTravelShowsTheLedgerAfterStepOne() {
    long atStep1 = spark().read().format("delta")
        .option("versionAsOf", Long.parseLong(widgetValues.get("ledger_version")))
        .load(warehouse.table(Warehouse.HARD_SAMPLES)).where("run = '" + TinyWarehouse.RUN + "'").count();
    long now = spark().read().format("delta").load(warehouse.table(Warehouse.HARD_SAMPLES))
        .where("run = '" + TinyWarehouse.RUN + "'").count();
    List<Row> thenAndNow = rows(notebook("03_"), "## The ledger then and now");
    assertThat(thenAndNow).hasSize(2);
    Row then = thenAndNow.stream().filter(r -> r.getAs("ledger").equals("version " + widgetValues.get("ledger_version")))
        .findFirst().orElseThrow();
    Row latest = thenAndNow.stream().filter(r -> r.getAs("ledger").equals("latest")).findFirst().orElseThrow();
    assertThat(then.<Long>getAs("samples")).isEqualTo(atStep1);
    assertThat(then.<Long>getAs("last_step")).isEqualTo(1L);
    assertThat(latest.<Long>getAs("samples")).isEqualTo(now);
    assertThat(atStep1).isLessThan(now); // later steps attempted other samples
  }

  @Test
  void theLatestCheckpointTaskPublishesTheLastCommittedStep() {
    SourceNotebook nb = notebook("05_");
    List<Cell> sql = nb.cells(SourceNotebook.Kind.SQL);
    assertThat(sql).hasSize(1);
    List<Row> latest = rows(nb, "# 05");
    assertThat(latest).hasSize(1);
    Row last = spark().read().format("delta").load(warehouse.table(Warehouse.CHECKPOINTS))
        .where("run = '" + TinyWarehouse.RUN + "'").orderBy(org.apache.spark.sql.functions.desc("step")).first();
    assertThat(latest.get(0).<Long>getAs("step")).isEqualTo(2L).isEqualTo(last.<Long>getAs("step"));
    assertThat(latest.get(0).<String>getAs("checkpoint_path")).isEqualTo(last.<String>getAs("checkpoint_path"));
    assertThat(Path.of(latest.get(0).<String>getAs("checkpoint_path")).resolve("model.safetensors")).exists();
    // the Python cell that sets the task value runs exactly the tested statement
    Cell python = nb.cells().get(nb.cells().size() - 1);
    assertThat(python.kind()).isEqualTo(SourceNotebook.Kind.PYTHON);
    assertThat(python.text()).contains("\"\"\"\n" + sql.get(0).text() + "\n\"\"\"")
        .contains("dbutils.jobs.taskValues.set(key=\"checkpoint\"");
  }

  @Test
  void evalSummaryMatchesTheLibrarysSummaryAndBaselineComparison() {
    String table = warehouse.table(Warehouse.EVAL_RESULTS);
    String evalRun = TinyWarehouse.RUN + "-eval";
    List<Row> perCheckpoint = rows(notebook("04_"), "## Per checkpoint and benchmark");
    List<String> checkpoints = perCheckpoint.stream().map(r -> r.<String>getAs("checkpoint")).distinct().toList();
    assertThat(checkpoints).hasSize(4); // base, sft, after phase 1, after phase 2
    EvalResults.registerViews(spark(), table); // the library's summary SQL, as `longctx eval` prints it
    List<Row> library = spark().sql("SELECT * FROM eval_summary WHERE run = '" + evalRun + "'").collectAsList();
    assertThat(perCheckpoint).hasSize(library.size());
    for (Row r : perCheckpoint) {
      Row lib = library.stream().filter(s -> s.getAs("checkpoint").equals(r.getAs("checkpoint"))
          && s.getAs("benchmark").equals(r.getAs("benchmark"))).findFirst().orElseThrow();
      for (String col : List.of("mean_at_k", "pass_at_1", "pass_at_k", "em", "f1")) {
        assertThat(r.<Double>getAs(col)).as(r.getAs("checkpoint") + " " + r.getAs("benchmark") + " " + col)
            .isCloseTo(lib.<Double>getAs(col), within(1e-4));
      }
    }
    List<Row> baseline =
        spark().sql("SELECT * FROM eval_summary WHERE run = '" + TinyWarehouse.BASELINE + "'").collectAsList();
    List<Row> vsBaseline = rows(notebook("04_"), "## Run against baseline");
    assertThat(vsBaseline).hasSize(baseline.size()); // per benchmark + average, both runs evaluated the same set
    for (Row lib : baseline) {
      Row r = vsBaseline.stream().filter(x -> x.getAs("benchmark").equals(lib.getAs("benchmark"))).findFirst()
          .orElseThrow();
      assertThat(r.<Double>getAs("baseline_mean_at_k")).isCloseTo(lib.<Double>getAs("mean_at_k"), within(1e-4));
      assertThat(r.<Double>getAs("baseline_pass_at_k")).isCloseTo(lib.<Double>getAs("pass_at_k"), within(1e-4));
    }
    Row avg = vsBaseline.stream().filter(r -> r.getAs("benchmark").equals("average")).findFirst().orElseThrow();
    assertThat(avg.<Double>getAs("baseline_mean_at_k")).isGreaterThan(0.0); // the replayed gold answers score
    assertThat(avg.<Double>getAs("baseline_pass_at_k")).isGreaterThan(avg.<Double>getAs("baseline_mean_at_k"));
    List<Row> passAtK = rows(notebook("04_"), "## pass@k for every k");
    assertThat(passAtK).extracting(r -> ((Number) r.getAs("k")).intValue()).containsExactly(1, 2);
  }
}
