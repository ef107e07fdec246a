package io.longctx.jobs.report;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.delta.tables.DeltaTable;
import io.longctx.jobs.Warehouse;
import io.longctx.jobs.config.LongctxConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Section 5: provenance. The latest Delta version of every pipeline table, the run's commit records (which
 * table versions each step read and left), and the effective configuration as YAML.
 */
final class ProvenanceSection {
  static final String ID = "provenance";
  static final String TITLE = "5. Provenance";
  static final List<String> TABLES = List.of(Warehouse.SAMPLES, Warehouse.QUARANTINE, Warehouse.ROLLOUTS,
      Warehouse.HARD_SAMPLES, Warehouse.METRICS, Warehouse.CHECKPOINTS, Warehouse.EVAL_RESULTS);
  static final List<String> COMMIT_COLUMNS = List.of("run", "step", "kind", "phase", "phase_name", "samples_version",
      "hard_samples_version_read", "hard_samples_version", "seed", "checkpoint_path");

  private ProvenanceSection() {}

  static void render(ReportContext ctx, Html html) {
    html.h2(ID, TITLE);
    html.h3("Delta table versions");
    List<List<Object>> versions = new ArrayList<>();
    for (String t : TABLES) {
      versions.add(version(ctx, t));
    }
    html.table(List.of("table", "latest version", "committed at", "operation", "path"), versions);
    html.h3("Commit records of the run (checkpoints): table versions read per step");
    commits(ctx, html);
    html.h3("Effective configuration");
    html.note("As LongctxConfig sees it when this report was written (defaults, then the config file, then --set),"
        + " printed like 'longctx config'. The run itself may have been started with other settings.");
    html.pre(yaml(ctx.config()));
  }

  private static List<Object> version(ReportContext ctx, String table) {
    if (!ctx.exists(table)) {
      return Arrays.asList(table, null, "", "not created", ctx.path(table));
    }
    Row h = DeltaTable.forPath(ctx.spark(), ctx.path(table)).history(1)
        .select("version", "timestamp", "operation").first();
    return Arrays.asList(table, h.getLong(0), String.valueOf(h.get(1)), h.getString(2), ctx.path(table));
  }

  private static void commits(ReportContext ctx, Html html) {
    Optional<Dataset<Row>> t = ctx.table(Warehouse.CHECKPOINTS);
    if (t.isEmpty()) {
      html.unavailable(ctx.missing(Warehouse.CHECKPOINTS));
      return;
    }
    List<Row> rows = t.get().where(col("run").isin(ctx.sftRun(), ctx.run()))
        .orderBy(col("run").equalTo(ctx.run()), col("step")).collectAsList();
    if (rows.isEmpty()) {
      html.unavailable("the checkpoints table has no commit records for run '" + ctx.run() + "' or '"
          + ctx.sftRun() + "'");
      return;
    }
    List<List<Object>> table = new ArrayList<>();
    for (Row r : rows) {
      List<Object> line = new ArrayList<>();
      for (String c : COMMIT_COLUMNS) {
        line.add(r.getAs(c));
      }
      table.add(line);
    }
    html.table(COMMIT_COLUMNS, table);
    html.note("samples_version: the samples table version the run reads (time travel); hard_samples_version_read:"
        + " the ledger version the step chose its batch from; hard_samples_version: the version its MERGE wrote."
        + " Version -1 means the table did not exist yet.");
  }

  static String yaml(LongctxConfig config) {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
        .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);
    try {
      return yaml.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      return "could not print the configuration: " + e.getMessage();
    }
  }
}
