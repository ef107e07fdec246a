package io.longctx.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.longctx.jobs.config.ConfigLoader;
import io.longctx.jobs.config.LongctxConfig;
import io.longctx.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code curate} on DocQA-RL-1.6K's published form, Parquet written by Hugging Face {@code datasets} (nested
 * {@code prompt: list<struct<content, role>>}, {@code reward_model} and {@code extra_info} structs), gives the same
 * {@code samples} table as the same records in JSON lines ({@code src/test/python/make_published_fixtures.py}).
 */
class CurateDatasetsParquetTest extends SparkTestBase {

  @Test
  void datasetsParquetCuratesToTheSameSamplesAsJsonLines(@TempDir Path dir) throws Exception {
    Path docqa = Path.of(getClass().getResource("/published/docqa").toURI());
    Dataset<Row> fromParquet = curate(dir.resolve("a"), docqa.resolve("docqa-rl.parquet"));
    Dataset<Row> fromJsonl = curate(dir.resolve("b"), docqa.resolve("docqa-rl.jsonl"));
    String[] compared = Arrays.stream(fromJsonl.columns()).filter(c -> !c.equals("source_file")).toArray(String[]::new);
    List<Row> a = fromParquet.selectExpr(compared).orderBy("sample_id").collectAsList();
    List<Row> b = fromJsonl.selectExpr(compared).orderBy("sample_id").collectAsList();
    assertThat(a).hasSize(3).isEqualTo(b);
    assertThat(a).extracting(r -> r.<String>getAs("sample_id"))
        .containsExactly("docmath_qa-0", "long_toc_choices_0_20000-2", "multihoprag_qa-1");
  }

  private static Dataset<Row> curate(Path warehouse, Path input) {
    LongctxConfig c = ConfigLoader.load(null, Map.of("warehouse", warehouse.toString(), "curate.partitions", "1"));
    CurateSamplesJob.Result r =
        new CurateSamplesJob(spark(), c, Warehouse.at(warehouse.toString()), List.of(input.toString())).execute();
    assertThat(r.balanced()).isTrue();
    return spark().read().format("delta").load(warehouse.resolve("samples").toString());
  }
}
