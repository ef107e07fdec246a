package io.longctx.transforms.rollout;

import static org.apache.spark.sql.functions.col;

import io.longctx.policy.generate.Generation;
import io.longctx.policy.generate.GenerationConfig;
import io.longctx.policy.generate.GroupRequest;
import io.longctx.policy.generate.GroupScheduler;
import io.longctx.policy.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * Rollouts as a Spark stage: the batch's prompts are spread over partitions and each partition samples G
 * responses per prompt with the policy cached in its executor JVM, or, when the spec names a server, with one
 * completions request per prompt to that server ({@link RolloutEngine}). Prompts are tokenised on the executors
 * either way, so both backends see the same prompt ids and seeds.
 */
public final class Rollouts {
  /** What {@link #generate} adds to each input row (one output row per response). */
  public static final StructType GENERATED =
      new StructType()
          .add("response_index", DataTypes.IntegerType, false)
          .add("prompt_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
          .add("response_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
          .add("response", DataTypes.StringType, false)
          .add("logprobs", DataTypes.createArrayType(DataTypes.FloatType, false), false)
          .add("response_tokens", DataTypes.IntegerType, false)
          .add("finish_reason", DataTypes.StringType, false);

  /** Input columns the rollout stage reads; every other column is carried through. */
  public static final List<String> REQUIRED = List.of("sample_id", "prompt");

  private Rollouts() {}

  /**
   * Samples {@code spec.groupSize()} responses for every row of {@code prompts} (columns {@code sample_id},
   * {@code prompt} = the user message, plus anything else, which is repeated on each response row).
   *
   * @param partitions how many partitions (executor tasks) share the prompts
   */
  public static Dataset<Row> generate(Dataset<Row> prompts, RolloutSpec spec, int partitions) {
    return generate(prompts, spec, partitions, null);
  }

  /**
   * As {@link #generate(Dataset, RolloutSpec, int)}, adding the nanoseconds spent inside the model (tokenising,
   * generating, decoding) to {@code modelNanos} when given, so a job can tell model compute from Spark overhead.
   */
  public static Dataset<Row> generate(
      Dataset<Row> prompts, RolloutSpec spec, int partitions, LongAccumulator modelNanos) {
    for (String c : REQUIRED) {
      if (!List.of(prompts.columns()).contains(c)) {
        throw new IllegalArgumentException("Rollouts need a '" + c + "' column; got " + List.of(prompts.columns()));
      }
    }
    StructType out = prompts.schema();
    for (var f : GENERATED.fields()) {
      out = out.add(f);
    }
    return prompts
        .repartition(partitions, col("sample_id"))
        .mapPartitions(new GenerateGroups(spec, prompts.schema().length(), modelNanos), Encoders.row(out));
  }

  /**
   * Per partition: load (or reuse) the policy, then sample every prompt's group with continuous batching (each
   * prompt prefilled once, rows of several groups decoding together up to the spec's row budget).
   */
  static final class GenerateGroups implements MapPartitionsFunction<Row, Row> {
    private final RolloutSpec spec;
    private final int inputWidth;
    private final LongAccumulator modelNanos;

    GenerateGroups(RolloutSpec spec, int inputWidth, LongAccumulator modelNanos) {
      this.spec = spec;
      this.inputWidth = inputWidth;
      this.modelNanos = modelNanos;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      List<Row> prompts = new ArrayList<>();
      rows.forEachRemaining(prompts::add);
      if (prompts.isEmpty()) {
        return List.<Row>of().iterator();
      }
      prompts.sort(Comparator.comparing(r -> r.<String>getAs("sample_id")));
      long t0 = System.nanoTime();
      LoadedPolicy policy = spec.server() == null ? LoadedPolicy.forSpec(spec) : null;
      Tokenizer tokenizer = policy != null ? policy.tokenizer : spec.tokenizer().open();
      try {
        RolloutEngine engine = policy != null
            ? (ids, groups, sampling) -> new GroupScheduler(policy.model, spec.rowBudget()).generate(groups, sampling)
            : new HttpRolloutEngine(spec.server());
        List<int[]> promptIds = new ArrayList<>(prompts.size());
        List<GroupRequest> groups = new ArrayList<>(prompts.size());
        List<String> sampleIds = new ArrayList<>(prompts.size());
        for (Row r : prompts) {
          int[] ids = tokenizer.encode(spec.chatTemplate().render(r.<String>getAs("prompt")));
          String sampleId = r.getAs("sample_id");
          promptIds.add(ids);
          sampleIds.add(sampleId);
          groups.add(new GroupRequest(ids, spec.groupSize(), groupSeed(spec.seed(), spec.step(), sampleId)));
        }
        List<List<Generation>> generated = engine.generate(sampleIds, groups, config(tokenizer));
        List<Row> out = new ArrayList<>(prompts.size() * spec.groupSize());
        for (int i = 0; i < prompts.size(); i++) {
          List<Generation> gens = generated.get(i);
          for (int g = 0; g < gens.size(); g++) {
            out.add(row(prompts.get(i), g, promptIds.get(i), gens.get(g), tokenizer));
          }
        }
        if (modelNanos != null) {
          modelNanos.add(System.nanoTime() - t0);
        }
        return out.iterator();
      } finally {
        if (policy == null) {
          tokenizer.close();
        }
      }
    }

    /** Sampling settings shared by every group; each group brings its own seed. */
    private GenerationConfig config(Tokenizer tokenizer) {
      GenerationConfig.Builder b = GenerationConfig.builder()
          .setMaxNewTokens(spec.maxNewTokens())
          .optTemperature(spec.temperature())
          .optTopP(spec.topP())
          .optTopK(spec.topK())
          .optStopTokenIds(tokenizer.stopTokenIds())
          .optPadTokenId(tokenizer.padTokenId());
      return b.build();
    }

    private Row row(Row in, int index, int[] promptIds, Generation gen, Tokenizer tokenizer) {
      Object[] v = new Object[inputWidth + GENERATED.length()];
      for (int i = 0; i < inputWidth; i++) {
        v[i] = in.get(i);
      }
      int[] ids = gen.tokenIds();
      int k = inputWidth;
      v[k++] = index;
      v[k++] = boxed(promptIds);
      v[k++] = boxed(ids);
      v[k++] = tokenizer.decode(gen.responseIds(tokenizer.stopTokenIds()));
      Float[] lp = new Float[gen.logProbs().length];
      for (int i = 0; i < lp.length; i++) {
        lp[i] = gen.logProbs()[i];
      }
      v[k++] = lp;
      v[k++] = ids.length;
      v[k] = gen.finishReason().name().toLowerCase(java.util.Locale.ROOT);
      return RowFactory.create(v);
    }
  }

  /** The seed of one prompt's group: a mix of (run seed, step, sample id), independent of partitioning. */
  static long groupSeed(long seed, long step, String sampleId) {
    long h = seed * 0x9E3779B97F4A7C15L + step * 0xC2B2AE3D27D4EB4FL;
    for (int i = 0; i < sampleId.length(); i++) {
      h = (h ^ sampleId.charAt(i)) * 0x100000001B3L;
    }
    h ^= (h >>> 33);
    h *= 0xFF51AFD7ED558CCDL;
    return h ^ (h >>> 33);
  }

  private static Integer[] boxed(int[] a) {
    Integer[] b = new Integer[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = a[i];
    }
    return b;
  }
}
