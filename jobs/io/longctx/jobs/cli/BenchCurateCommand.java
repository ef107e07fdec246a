package io.longctx.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.longctx.jobs.CurateSamplesJob;
import io.longctx.jobs.SparkSessions;
import io.longctx.jobs.Warehouse;
import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.policy.chat.ChatTemplates;
import io.longctx.policy.tokenizer.ChatFormat;
import io.longctx.policy.tokenizer.Tokenizer;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.transforms.CurateConfig;
import io.longctx.transforms.Ingest;
import io.longctx.transforms.PromptTemplate;
import io.longctx.transforms.TokenizeAndBucket;
import io.longctx.transforms.Validation;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code longctx bench curate}: curation throughput (documents/s, tokens/s) over synthetic documents, next to the
 * raw single-thread tokenizer throughput on the same templated prompts, so the Spark overhead is visible.
 */
@Command(
    name = "curate",
    mixinStandardHelpOptions = true,
    description = "Benchmark curation: generate synthetic documents, time the raw single-thread tokenizer on their"
        + " chat-templated prompts, then time the whole curate job on them (under <warehouse>/bench/curate)."
        + " Prints one JSON line per measurement.")
public final class BenchCurateCommand extends ConfiguredCommand {
  @Option(names = "--documents", description = "Documents to curate (default: ${DEFAULT-VALUE}).",
      defaultValue = "10000")
  int documents;

  @Option(names = "--max-doc-bytes", description = "Document sizes are uniform in [100, this] bytes (default:"
      + " ${DEFAULT-VALUE}).", defaultValue = "2400")
  int maxDocBytes;

  @Option(names = "--seed", description = "Seed of the synthetic documents (default: ${DEFAULT-VALUE}).",
      defaultValue = "42")
  long seed;

  private final ObjectMapper json = new ObjectMapper();

  @Override
  protected int run(LongctxConfig config) throws Exception {
    Path root = warehouse().dir("bench").resolve("curate");
    Path input = root.resolve("input/train.jsonl");
    List<String[]> docs = generate(input, root.resolve("synth/heldout.jsonl"));
    String tokenizer = config.policy().tokenizer();
    ChatFormat template = ChatTemplates.forPolicy(config.policy());
    Map<String, Object> base = new LinkedHashMap<>();
    base.put("bench", "curate");
    base.put("documents", documents);
    base.put("tokenizer", tokenizer);
    base.put("chat_template", template.label());
    base.put("cores", Runtime.getRuntime().availableProcessors());

    long tokens = 0;
    cpuStart = cpuNanos();
    long t0 = System.nanoTime();
    try (Tokenizer tok = new TokenizerSpec(tokenizer).open()) {
      for (String[] d : docs) {
        tokens += tok.count(template.render(PromptTemplate.build(d[0], d[1], false).prompt()));
      }
    }
    emit(base, "tokenizer-single-thread", System.nanoTime() - t0, tokens);

    Map<String, String> sets = new LinkedHashMap<>();
    sets.put("curate.eval-sets", "[]");
    LongctxConfig benchConfig = ConfigLoader.load(common.conf, merged(sets)).withWarehouse(root.toString());
    SparkSession spark = SparkSessions.getOrCreate(benchConfig.spark());
    CurateSamplesJob job = new CurateSamplesJob(spark, benchConfig, Warehouse.at(root.toString()),
        List.of(input.toString())).optProgress(m -> { });
    // ingest + validate + tokenise/bucket only (no dedup, decontamination or writes): the Spark cost of tokenising
    CurateConfig cc = benchConfig.curate();
    cpuStart = cpuNanos();
    long t2 = System.nanoTime();
    org.apache.spark.sql.Row tokenized = TokenizeAndBucket.apply(
            Validation.parse(Ingest.read(spark, Ingest.resolve(spark, List.of(input.toString())), cc.maxRecordBytes()),
                cc).where("reason IS NULL").repartition(spark.sparkContext().defaultParallelism()),
            new TokenizeAndBucket.Settings(new TokenizerSpec(tokenizer), template, cc.buckets(),
                "truncate".equals(cc.overlong())))
        .agg(org.apache.spark.sql.functions.sum("prompt_tokens")).first();
    emit(base, "spark-ingest-tokenize", System.nanoTime() - t2, tokenized.getLong(0));

    cpuStart = cpuNanos();
    long t1 = System.nanoTime();
    CurateSamplesJob.Result r = job.execute();
    long elapsed = System.nanoTime() - t1;
    long curatedTokens = spark.read().format("delta").load(r.samplesTable())
        .agg(org.apache.spark.sql.functions.sum("prompt_tokens")).first().getLong(0);
    Map<String, Object> extra = new LinkedHashMap<>(base);
    extra.put("spark_master", benchConfig.spark().master());
    extra.put("samples", r.samples());
    extra.put("truncated", r.truncated());
    extra.put("quarantined", r.quarantined());
    extra.put("decontaminated", r.decontaminated());
    extra.put("stage_seconds", r.stageSeconds());
    emit(extra, "curate-job", elapsed, curatedTokens);
    return 0;
  }

  private Map<String, String> merged(Map<String, String> sets) {
    Map<String, String> all = new LinkedHashMap<>(common.overrides);
    all.putAll(sets);
    return all;
  }

  private long cpuStart;

  /** CPU time of this JVM (all threads), or 0 where the JVM does not report it. */
  private static long cpuNanos() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0L;
  }

  private void emit(Map<String, Object> base, String measurement, long nanos, long tokens) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>(base);
    double s = nanos / 1e9;
    m.put("measurement", measurement);
    m.put("seconds", Math.round(s * 1000) / 1000.0);
    m.put("tokens", tokens);
    m.put("documents_per_s", Math.round(documents / s * 10) / 10.0);
    m.put("tokens_per_s", Math.round(tokens / s));
    // CPU seconds this JVM used during the measurement: on a shared machine wall time overstates the cost
    m.put("process_cpu_s", Math.round((cpuNanos() - cpuStart) / 1e7) / 100.0);
    m.put("system_load_average", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        .getSystemLoadAverage());
    System.out.println(json.writeValueAsString(m));
  }

  /** Writes the synthetic train file and a small held-out file; returns (document, question) pairs. */
  private List<String[]> generate(Path train, Path heldout) throws IOException {
    Random random = new Random(seed);
    List<String[]> docs = new ArrayList<>();
    Files.createDirectories(train.getParent());
    Files.createDirectories(heldout.getParent());
    try (BufferedWriter out = Files.newBufferedWriter(train, StandardCharsets.UTF_8);
        BufferedWriter held = Files.newBufferedWriter(heldout, StandardCharsets.UTF_8)) {
      for (int i = 0; i < documents + documents / 20; i++) {
        String name = word(random);
        String value = String.valueOf(1000 + random.nextInt(9000));
        String doc = document(random, 100 + random.nextInt(Math.max(1, maxDocBytes - 100)), name, value);
        String question = "What is the code of " + name + "?";
        ObjectNode o = json.createObjectNode();
        o.put("id", (i < documents ? "bench-" : "held-") + i);
        o.put("context", doc);
        o.put("question", question);
        o.put("answer", value);
        o.put("source", "synth_retrieval");
        if (i < documents) {
          docs.add(new String[] {doc, question});
          out.write(o.toString());
          out.write('\n');
        } else {
          held.write(o.toString());
          held.write('\n');
        }
      }
    }
    return docs;
  }

  private static final String[] SYLLABLES = {"ka", "lo", "mi", "ren", "tu", "vas", "zor", "bel", "quin", "dra",
    "fen", "gol", "hax", "jup", "ny", "ost", "pim", "sul", "tev", "wix"};

  private static String word(Random r) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0, n = 2 + r.nextInt(2); i < n; i++) {
      sb.append(SYLLABLES[r.nextInt(SYLLABLES.length)]);
    }
    return sb.toString();
  }

  private static String document(Random r, int bytes, String name, String value) {
    StringBuilder sb = new StringBuilder();
    int factAt = r.nextInt(bytes);
    boolean placed = false;
    while (sb.length() < bytes) {
      if (!placed && sb.length() >= factAt) {
        sb.append("The code of ").append(name).append(" is ").append(value).append(". ");
        placed = true;
      }
      sb.append("The ").append(word(r)).append(" of ").append(word(r)).append(" holds ").append(r.nextInt(10000))
          .append(' ').append(word(r)).append(". ");
    }
    return sb.toString().strip();
  }

}
