package io.longctx.transforms.eval;

import io.longctx.transforms.rollout.ExecutorCache;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The generation step: each prompt row becomes k rows ({@code sample_index} 0..k-1) with the response. Runs per
 * partition; the model is loaded once per executor JVM and cached by {@link ResponseGenerator.Loader#cacheKey()}
 * (a new checkpoint gets a new entry), and prompts go to it in batches.
 */
public final class GenerateResponses {
  /** Columns added by {@link #apply}. */
  public static final StructType ADDED =
      new StructType()
          .add("sample_index", DataTypes.IntegerType, false)
          .add("response", DataTypes.StringType, false)
          .add("response_tokens", DataTypes.IntegerType, false)
          .add("finish_reason", DataTypes.StringType, false);

  /** One model per JVM: evaluating another checkpoint closes the previous one (as rollouts do). */
  private static final ExecutorCache<ResponseGenerator> CACHE = new ExecutorCache<>();

  private GenerateResponses() {}

  /** Requires {@code benchmark}, {@code item_id} and {@code prompt} columns. */
  public static Dataset<Row> apply(
      Dataset<Row> prompts, ResponseGenerator.Loader loader, SamplingSettings settings, int batchSize) {
    StructType in = prompts.schema();
    StructType out = in;
    for (var f : ADDED.fields()) {
      out = out.add(f);
    }
    return prompts.mapPartitions(
        new Generate(loader, settings, batchSize, in.fieldIndex("benchmark"), in.fieldIndex("item_id"),
            in.fieldIndex("prompt")),
        Encoders.row(out));
  }

  /** The cached generator for a loader, loading it on first use in this JVM (and on a change of checkpoint). */
  static ResponseGenerator cached(ResponseGenerator.Loader loader) {
    return CACHE.get(loader.cacheKey(), key -> loader.load());
  }

  /** How many models this JVM has loaded (for tests and logs). */
  static int modelLoads() {
    return CACHE.loads();
  }

  /** Per partition: batches of (prompt, sample) requests through the JVM's cached generator. */
  static final class Generate implements MapPartitionsFunction<Row, Row> {
    private final ResponseGenerator.Loader loader;
    private final SamplingSettings settings;
    private final int batchSize;
    private final int benchmarkIdx;
    private final int itemIdx;
    private final int promptIdx;

    Generate(ResponseGenerator.Loader loader, SamplingSettings settings, int batchSize, int benchmarkIdx, int itemIdx,
        int promptIdx) {
      this.loader = loader;
      this.settings = settings;
      this.batchSize = batchSize;
      this.benchmarkIdx = benchmarkIdx;
      this.itemIdx = itemIdx;
      this.promptIdx = promptIdx;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      ResponseGenerator generator = cached(loader);
      List<Row> out = new ArrayList<>();
      List<Row> batchRows = new ArrayList<>();
      List<Integer> batchSamples = new ArrayList<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        for (int s = 0; s < settings.samplesPerItem(); s++) {
          batchRows.add(r);
          batchSamples.add(s);
          if (batchRows.size() == batchSize) {
            flush(generator, batchRows, batchSamples, out);
          }
        }
      }
      flush(generator, batchRows, batchSamples, out);
      return out.iterator();
    }

    private void flush(ResponseGenerator generator, List<Row> batchRows, List<Integer> samples, List<Row> out) {
      if (batchRows.isEmpty()) {
        return;
      }
      List<String> prompts = new ArrayList<>();
      List<Long> seeds = new ArrayList<>();
      for (int i = 0; i < batchRows.size(); i++) {
        Row r = batchRows.get(i);
        prompts.add(r.getString(promptIdx));
        seeds.add(settings.seedFor(r.getString(benchmarkIdx), r.getString(itemIdx), samples.get(i)));
      }
      List<ResponseGenerator.Generation> gens;
      synchronized (generator) {
        try {
          gens = generator.generate(prompts, seeds, settings);
        } catch (RuntimeException e) {
          Row first = batchRows.get(0);
          throw EvalErrors.generationFailed(first.getString(benchmarkIdx), first.getString(itemIdx), e);
        }
      }
      for (int i = 0; i < batchRows.size(); i++) {
        Row r = batchRows.get(i);
        ResponseGenerator.Generation g = gens.get(i);
        Object[] values = new Object[r.size() + 4];
        for (int j = 0; j < r.size(); j++) {
          values[j] = r.get(j);
        }
        values[r.size()] = samples.get(i);
        values[r.size() + 1] = g.text();
        values[r.size() + 2] = g.tokens();
        values[r.size() + 3] = g.finishReason();
        out.add(RowFactory.create(values));
      }
      batchRows.clear();
      samples.clear();
    }
  }
}
