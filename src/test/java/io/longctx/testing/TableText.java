package io.longctx.testing;

import io.longctx.jobs.Warehouse;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StringType;

/**
 * A Delta table's rows as sorted text, for comparing two runs that wrote into different warehouses: the
 * warehouse root inside string columns reads {@code <wh>}, and the named columns (wall-clock timings) are left
 * out. Doubles print in full ({@code Row.toString}), so equal text means bit-equal values.
 */
public final class TableText {
  private TableText() {}

  /** The rows of {@code table} in {@code wh}, without the {@code skip} columns. */
  public static List<String> rows(SparkSession spark, Warehouse wh, String table, Collection<String> skip) {
    return rows(spark.read().format("delta").load(wh.table(table)), wh.root().toString(), skip);
  }

  /** The rows of {@code df} (a table of the warehouse at {@code root}), without the {@code skip} columns. */
  public static List<String> rows(Dataset<Row> df, String root, Collection<String> skip) {
    List<Column> cols = new ArrayList<>();
    for (String c : df.columns()) {
      if (skip.contains(c)) {
        continue;
      }
      Column col = functions.col(c);
      cols.add(df.schema().apply(c).dataType() instanceof StringType
          ? functions.replace(col, functions.lit(root), functions.lit("<wh>")).as(c)
          : col);
    }
    List<String> out = new ArrayList<>();
    for (Row r : df.select(cols.toArray(new Column[0])).collectAsList()) {
      out.add(r.toString());
    }
    out.sort(null);
    return out;
  }

  /** The column names of a table, in order. */
  public static List<String> columns(SparkSession spark, Warehouse wh, String table) {
    return List.of(spark.read().format("delta").load(wh.table(table)).columns());
  }
}
