package io.longctx.jobs;

import static org.apache.spark.sql.functions.col;

import io.longctx.jobs.config.LongctxConfig;
import io.longctx.policy.chat.ChatTemplates;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.transforms.CurateConfig;
import io.longctx.transforms.CurateErrors;
import io.longctx.transforms.CurationSchemas;
import io.longctx.transforms.Decontamination;
import io.longctx.transforms.Dedup;
import io.longctx.transforms.Ingest;
import io.longctx.transforms.TokenizeAndBucket;
import io.longctx.transforms.Validation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Curates input records into the {@code samples} Delta table (partitioned by length bucket) and the
 * {@code quarantine} table, and writes a report under {@code <warehouse>/reports/curate/}. Stages: ingest and
 * validate, exact dedup, duplicate ids, near-dedup (MinHash LSH), decontamination against evaluation sets,
 * tokenise and bucket. Both tables are overwritten, so re-running over the same input gives the same tables
 * (Delta keeps the previous versions). Nothing is lost: {@code rows_in = samples + quarantined +
 * exact_duplicates + near_duplicates + decontaminated}.
 */
public final class CurateSamplesJob {
  private final SparkSession spark;
  private final LongctxConfig config;
  private final Warehouse warehouse;
  private final List<String> inputs;
  private Consumer<String> progress = m -> System.err.println("curate: " + m);
  private final Map<String, Double> stageSeconds = new java.util.LinkedHashMap<>();

  /**
   * @param inputs input paths as given (files, directories, Delta tables); empty uses {@code curate.inputs}
   *     resolved under the warehouse
   */
  public CurateSamplesJob(SparkSession spark, LongctxConfig config, Warehouse warehouse, List<String> inputs) {
    this.spark = spark;
    this.config = config;
    this.warehouse = warehouse;
    this.inputs = inputs.isEmpty()
        ? config.curate().inputs().stream().map(this::underWarehouse).toList()
        : List.copyOf(inputs);
  }

  /** Where progress lines go (stderr by default). */
  public CurateSamplesJob optProgress(Consumer<String> sink) {
    this.progress = sink;
    return this;
  }

  /** Counts of one run. {@code perReason} and {@code perBucket} are sorted by key. */
  public record Result(
      long rowsIn, long samples, long quarantined, long exactDuplicates, long nearDuplicates, long decontaminated,
      long truncated, Map<String, Long> perReason, Map<Integer, Long> perBucket, List<String> evalSets,
      String samplesTable, String quarantineTable, String reportDir, Map<String, Double> stageSeconds) {

    Result withStageSeconds(Map<String, Double> seconds) {
      return new Result(rowsIn, samples, quarantined, exactDuplicates, nearDuplicates, decontaminated, truncated,
          perReason, perBucket, evalSets, samplesTable, quarantineTable, reportDir, seconds);
    }

    /** rows in = samples + quarantined + duplicates removed + decontaminated. */
    public boolean balanced() {
      return rowsIn == samples + quarantined + exactDuplicates + nearDuplicates + decontaminated;
    }
  }

  public Result execute() {
    stageSeconds.clear();
    CurateConfig cfg = config.curate();
    List<Ingest.Source> sources = Ingest.resolve(spark, inputs);
    progress.accept("reading " + sources.size() + " source(s): " + sources);
    List<Dataset<Row>> cached = new ArrayList<>();
    try {
      Dataset<Row> parsed = keep(cached, Validation.parse(Ingest.read(spark, sources, cfg.maxRecordBytes()), cfg));
      long rowsIn = stage("ingest", "read and validate input records", parsed::count);
      progress.accept(rowsIn + " record(s) read");

      Dataset<Row> exact = keep(cached, Dedup.markExact(parsed.where(col("reason").isNull())));
      long exactDups = stage("dedup-exact", "exact duplicates",
          () -> exact.where(col(Dedup.DUPLICATE_OF).isNotNull()).count());
      Dataset<Row> ids = keep(cached,
          Dedup.markDuplicateIds(exact.where(col(Dedup.DUPLICATE_OF).isNull()).drop(Dedup.DUPLICATE_OF)));
      Dataset<Row> near = keep(cached, Dedup.markNear(ids.where(col("reason").isNull()), cfg));
      long nearDups = stage("dedup-near", "near duplicates (MinHash LSH)",
          () -> near.where(col(Dedup.NEAR_DUPLICATE_OF).isNotNull()).count());
      progress.accept(exactDups + " exact and " + nearDups + " near duplicate(s) removed");

      List<String> evalSets = evalSets(cfg);
      long[] evalNgrams = stage("decontam-eval", "evaluation n-grams", () -> evalNgrams(evalSets, cfg));
      Dataset<Row> overlap = keep(cached, Decontamination.markOverlap(spark,
          near.where(col(Dedup.NEAR_DUPLICATE_OF).isNull()).drop(Dedup.NEAR_DUPLICATE_OF), evalNgrams,
          cfg.decontamNgram()));
      Column contaminated = col(Decontamination.EVAL_OVERLAP).geq(cfg.decontamThreshold());
      long decontaminated = stage("decontam", "decontamination", () -> overlap.where(contaminated).count());
      progress.accept(decontaminated + " sample(s) overlap the evaluation sets " + evalSets);

      int partitions = cfg.partitions() > 0 ? cfg.partitions() : spark.sparkContext().defaultParallelism();
      Dataset<Row> clean = overlap.where(contaminated.unary_$bang()).drop(Decontamination.EVAL_OVERLAP)
          .repartition(partitions, col("sample_id"));
      Dataset<Row> tokenized = keep(cached, TokenizeAndBucket.apply(clean, settings()));
      Dataset<Row> samples = tokenized.where(col("reason").isNull()).select(cols(CurationSchemas.SAMPLE_COLUMNS));
      Dataset<Row> quarantine = parsed.where(col("reason").isNotNull())
          .unionByName(ids.where(col("reason").isNotNull()).drop(Dedup.DUPLICATE_OF), true)
          .unionByName(tokenized.where(col("reason").isNotNull()), true)
          .select(cols(CurationSchemas.QUARANTINE_COLUMNS));

      String samplesTable = warehouse.table(Warehouse.SAMPLES);
      String quarantineTable = warehouse.table(Warehouse.QUARANTINE);
      writeTables(samples, samplesTable, quarantine, quarantineTable);
      Dataset<Row> writtenSamples = spark.read().format("delta").load(samplesTable);
      Dataset<Row> writtenQuarantine = spark.read().format("delta").load(quarantineTable);
      CurationReport report = new CurationReport(warehouse.dir("reports").resolve("curate"), cfg);
      CurationReport.Removed removed = new CurationReport.Removed(
          exact.where(col(Dedup.DUPLICATE_OF).isNotNull()), near.where(col(Dedup.NEAR_DUPLICATE_OF).isNotNull()),
          overlap.where(contaminated));
      Result result = stage("report", "curation report", () -> report.write(
          writtenSamples, writtenQuarantine, parsed, removed, rowsIn, exactDups, nearDups, decontaminated,
          evalSets, evalNgrams.length, samplesTable, quarantineTable));
      progress.accept(result.samples() + " sample(s), " + result.quarantined() + " quarantined; report in "
          + result.reportDir() + "; stage seconds " + stageSeconds);
      return result.withStageSeconds(new java.util.LinkedHashMap<>(stageSeconds));
    } finally {
      cached.forEach(Dataset::unpersist);
    }
  }

  /** Overwrites both tables: re-running over the same input leaves the same rows (Delta keeps old versions). */
  private void writeTables(Dataset<Row> samples, String samplesTable, Dataset<Row> quarantine,
      String quarantineTable) {
    stage("write-samples", "tokenise, bucket and write samples", () -> {
      samples.write().format("delta").mode("overwrite").option("overwriteSchema", "true")
          .partitionBy("bucket").save(samplesTable);
      return null;
    });
    stage("write-quarantine", "write quarantine", () -> {
      quarantine.coalesce(1).write().format("delta").mode("overwrite").option("overwriteSchema", "true")
          .save(quarantineTable);
      return null;
    });
  }

  private TokenizeAndBucket.Settings settings() {
    return new TokenizeAndBucket.Settings(new TokenizerSpec(config.policy().tokenizer()),
        ChatTemplates.forPolicy(config.policy()), config.curate().buckets(),
        "truncate".equals(config.curate().overlong()));
  }

  private List<String> evalSets(CurateConfig cfg) {
    if (cfg.evalSets().isEmpty()) {
      Path heldout = warehouse.dir(CurateConfig.DEFAULT_EVAL_SET);
      return Files.isRegularFile(heldout) ? List.of(heldout.toString()) : List.of();
    }
    List<String> out = new ArrayList<>();
    for (String e : cfg.evalSets()) {
      String p = underWarehouse(e);
      if (!Files.exists(Path.of(p)) && !p.contains("://")) {
        throw CurateErrors.evalSetNotFound(p);
      }
      out.add(p);
    }
    return out;
  }

  private long[] evalNgrams(List<String> evalSets, CurateConfig cfg) {
    if (evalSets.isEmpty()) {
      return new long[0];
    }
    Dataset<Row> eval = Validation.parse(Ingest.read(spark, Ingest.resolve(spark, evalSets), cfg.maxRecordBytes()), cfg);
    return Decontamination.evalNgrams(eval, cfg.decontamNgram());
  }

  private String underWarehouse(String path) {
    if (path.contains("://") || Path.of(path).isAbsolute()) {
      return path;
    }
    return warehouse.dir(path).toString();
  }

  /** Runs one stage under a named Spark job group and records its wall time. */
  private <T> T stage(String group, String description, java.util.function.Supplier<T> body) {
    long t0 = System.nanoTime();
    T out = SparkSessions.withJobGroup(spark, "curate-" + group, description, body);
    stageSeconds.merge(group, Math.round((System.nanoTime() - t0) / 1e6) / 1e3, Double::sum);
    return out;
  }

  private static Dataset<Row> keep(List<Dataset<Row>> cached, Dataset<Row> ds) {
    Dataset<Row> p = ds.persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(p);
    return p;
  }

  private static Column[] cols(String[] names) {
    return Arrays.stream(names).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }
}
