package io.longctx.transforms.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** Renders collected rows as an aligned plain-text table (numbers with 3 decimals, nulls as {@code -}). */
public final class TextTable {
  private TextTable() {}

  public static String render(StructType schema, List<Row> rows) {
    String[] names = schema.fieldNames();
    List<String[]> cells = new ArrayList<>();
    cells.add(names);
    for (Row r : rows) {
      String[] line = new String[names.length];
      for (int i = 0; i < names.length; i++) {
        line[i] = cell(r.get(i));
      }
      cells.add(line);
    }
    int[] width = new int[names.length];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        width[i] = Math.max(width[i], line[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int li = 0; li < cells.size(); li++) {
      String[] line = cells.get(li);
      for (int i = 0; i < line.length; i++) {
        String fmt = i == 0 ? "%-" + width[i] + "s" : "  %" + width[i] + "s";
        sb.append(String.format(Locale.ROOT, fmt, line[i]));
      }
      sb.append('\n');
      if (li == 0) {
        int total = 0;
        for (int w : width) {
          total += w + 2;
        }
        sb.append("-".repeat(total - 2)).append('\n');
      }
    }
    return sb.toString();
  }

  private static String cell(Object v) {
    if (v == null) {
      return "-";
    }
    if (v instanceof Double || v instanceof Float) {
      return String.format(Locale.ROOT, "%.3f", ((Number) v).doubleValue());
    }
    return v.toString();
  }
}
