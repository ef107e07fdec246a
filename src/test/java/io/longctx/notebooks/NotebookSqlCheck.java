package io.longctx.notebooks;

import io.longctx.notebooks.SourceNotebook.Cell;
import io.longctx.notebooks.SourceNotebook.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Runs the SQL cells of a notebook the way Databricks does: the widget values go into the Spark session conf as
 * {@code longctx.<widget>} (what the notebook's parameters cell does), and {@code spark.sql} substitutes the
 * {@code ${longctx.<widget>}} references before parsing. A cell passes when it runs and returns at least one row.
 */
final class NotebookSqlCheck {
  private static final Pattern NAME = Pattern.compile("\\d\\d_[a-z0-9_]+\\.py");
  private static final Pattern DECLARATION = Pattern.compile("dbutils\\.widgets\\.(text|dropdown|combobox|multiselect)\\(");

  private NotebookSqlCheck() {}

  /** One SQL cell's outcome: its rows, or the failure message naming notebook, cell and the substituted SQL. */
  record Outcome(SourceNotebook notebook, Cell cell, List<Row> rows, String failure) {}

  /** Problems with the notebook's layout: name, markdown first, widgets second, references to widgets only. */
  static List<String> structureProblems(SourceNotebook nb) {
    List<String> out = new ArrayList<>();
    String name = nb.name();
    if (!NAME.matcher(name).matches()) {
      out.add(name + ": the file name must be NN_snake_case.py");
    }
    List<Cell> cells = nb.cells();
    if (cells.size() < 3) {
      out.add(name + ": needs a markdown cell, a parameters cell and SQL cells; has " + cells.size() + " cell(s)");
      return out;
    }
    Cell first = cells.get(0);
    if (first.kind() != Kind.MARKDOWN || !first.text().startsWith("# ")) {
      out.add(name + ": cell 1 must be a markdown cell starting with a '# ' title, is " + first.kind());
    }
    Cell params = cells.get(1);
    Map<String, String> widgets = nb.widgets();
    if (params.kind() != Kind.PYTHON || !params.text().contains("dbutils.widgets.text(")) {
      out.add(name + ": cell 2 must be the Python parameters cell declaring the widgets");
    }
    for (Cell c : cells.subList(2, cells.size())) {
      if (c.kind() == Kind.PYTHON && DECLARATION.matcher(c.text()).find()) {
        out.add(name + ": cell " + c.index() + " declares widgets; only the parameters cell (2) may");
      }
    }
    for (String required : List.of("warehouse", "run")) {
      if (!widgets.containsKey(required)) {
        out.add(name + ": no '" + required + "' widget");
      }
    }
    List<String> copied = SourceNotebook.copiedToConf(params);
    if (!copied.equals(new ArrayList<>(widgets.keySet()))) {
      out.add(name + ": the parameters cell must copy every widget into the session conf with"
          + " `for name in [...]: spark.conf.set(f\"longctx.{name}\", dbutils.widgets.get(name))`; widgets "
          + widgets.keySet() + ", copied " + copied);
    }
    if (nb.cells(Kind.SQL).isEmpty()) {
      out.add(name + ": has no SQL cell");
    }
    for (Cell c : nb.cells(Kind.SQL)) {
      for (String ref : SourceNotebook.references(c.text())) {
        String widget = ref.startsWith(SourceNotebook.CONF_PREFIX) ? ref.substring(SourceNotebook.CONF_PREFIX.length())
            : null;
        if (widget == null || !widgets.containsKey(widget)) {
          out.add(name + ": cell " + c.index() + " references ${" + ref + "}, which is not ${longctx.<widget>} of a"
              + " declared widget " + widgets.keySet());
        }
      }
      String body = c.text().strip();
      if (body.isEmpty() || body.replaceAll(";\\s*$", "").contains(";")) {
        out.add(name + ": cell " + c.index() + " must hold exactly one SQL statement");
      }
    }
    return out;
  }

  /**
   * Runs every SQL cell with the given widget values (a widget not in {@code values} takes its default) and
   * returns one outcome per cell. The session conf entries are removed afterwards.
   */
  static List<Outcome> run(SparkSession spark, SourceNotebook nb, Map<String, String> values) {
    return run(spark, nb, values, nb.cells(Kind.SQL));
  }

  /** Runs the given SQL cells of {@code nb}; see {@link #run(SparkSession, SourceNotebook, Map)}. */
  static List<Outcome> run(SparkSession spark, SourceNotebook nb, Map<String, String> values, List<Cell> sqlCells) {
    Map<String, String> effective = new LinkedHashMap<>(nb.widgets());
    for (Map.Entry<String, String> e : values.entrySet()) {
      effective.computeIfPresent(e.getKey(), (k, v) -> e.getValue());
    }
    List<Outcome> out = new ArrayList<>();
    effective.forEach((k, v) -> spark.conf().set(SourceNotebook.CONF_PREFIX + k, v));
    try {
      for (Cell c : sqlCells) {
        String sql = c.text().strip().replaceAll(";\\s*$", "");
        try {
          List<Row> rows = spark.sql(sql).collectAsList();
          out.add(new Outcome(nb, c, rows, rows.isEmpty() ? describe(nb, c, effective, "returned no rows") : null));
        } catch (Exception e) {
          String msg = String.valueOf(e.getMessage());
          out.add(new Outcome(nb, c, List.of(),
              describe(nb, c, effective, e.getClass().getSimpleName() + ": " + msg.lines().findFirst().orElse(""))));
        }
      }
    } finally {
      effective.keySet().forEach(k -> spark.conf().unset(SourceNotebook.CONF_PREFIX + k));
    }
    return out;
  }

  private static String describe(SourceNotebook nb, Cell c, Map<String, String> values, String what) {
    String sql = c.text();
    for (Map.Entry<String, String> e : values.entrySet()) {
      sql = sql.replace("${" + SourceNotebook.CONF_PREFIX + e.getKey() + "}", e.getValue());
    }
    return "notebooks/" + nb.name() + " cell " + c.index() + " (SQL) " + what + "\n  " + sql.replace("\n", "\n  ");
  }

  /** The first SQL cell after the markdown cell whose text starts with {@code heading}. */
  static Cell sqlAfter(SourceNotebook nb, String heading) {
    boolean seen = false;
    for (Cell c : nb.cells()) {
      if (c.kind() == Kind.MARKDOWN && c.text().startsWith(heading)) {
        seen = true;
      } else if (seen && c.kind() == Kind.SQL) {
        return c;
      }
    }
    throw new IllegalArgumentException(nb.name() + " has no SQL cell after a markdown cell '" + heading + "'");
  }
}
