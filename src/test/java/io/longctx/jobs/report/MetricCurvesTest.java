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

  @Test
  void aShortLastRowOfTheGridIsLeftBlank() throws Exception {
    Dataset<Row> m = spark().sql(
        "SELECT 'r1' AS run, id AS step, id * 0.1 AS a, id * 0.2 AS b, id * 0.3 AS c, id * 0.4 AS d FROM range(5)");
    Path png = dir.resolve("grid.png");
    assertThat(MetricCurves.write(m, List.of("a", "b", "c", "d"), png)).hasSize(4);
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(new int[] {img.getWidth(), img.getHeight()}).containsExactly(MetricCurves.size(4));
    assertThat(MetricCurves.size(4)).containsExactly(3 * 420, 2 * 280);
    // the fifth and sixth cells of the 3 x 2 grid are white
    assertThat(img.getRGB(2 * 420 + 200, 280 + 140) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    assertThat(img.getRGB(420 + 200, 280 + 140) & 0xFFFFFF).isEqualTo(0xFFFFFF);
  }

  @Test
  void smallValuesGetAScientificAxisSoALearningRateDoesNotReadZero() {
    java.text.DecimalFormat lr = new java.text.DecimalFormat(
        MetricCurves.yPattern(java.util.Map.of("r", List.of(new double[] {1, 1e-4}, new double[] {2, 2e-5}))));
    assertThat(lr.format(1e-4)).isEqualTo("1.0E-4");
    assertThat(MetricCurves.yPattern(java.util.Map.of("r", List.<double[]>of(new double[] {1, 0.7}))))
        .isEqualTo("#,##0.###");
    assertThat(MetricCurves.yPattern(java.util.Map.of("r", List.<double[]>of(new double[] {1, 0.0}))))
        .isEqualTo("#,##0.###");
  }
}
