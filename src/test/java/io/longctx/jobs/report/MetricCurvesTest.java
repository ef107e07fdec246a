package io.longctx.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.longctx.testing.SparkTestBase;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricCurvesTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void drawsOneChartPerMetricWithValues() throws Exception {
    Dataset<Row> m = spark().sql(
        "SELECT 'r1' AS run, id AS step, id * 0.1 AS reward_mean, CAST(NULL AS DOUBLE) AS empty_metric, "
            + "1.0 / (id + 1) AS grad_norm FROM range(12)");
    Path png = dir.resolve("curves.png");
    List<String> drawn = MetricCurves.write(m, List.of("reward_mean", "empty_metric", "grad_norm"), png);
    assertThat(drawn).containsExactly("reward_mean", "grad_norm");
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isEqualTo(2 * 420);
    assertThat(img.getHeight()).isEqualTo(280);
  }
}
