package io.longctx.transforms.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a delimited text file as pandas' {@code to_csv} writes it (tab-separated {@code .tsv} or comma-separated
 * {@code .csv}): a header row, then one record per row; a field that holds the delimiter, a quote or a line break
 * is quoted with {@code "} and its quotes doubled, so a record may span lines. An unnamed first header cell (the
 * index pandas writes) is named {@code Unnamed: 0}, as pandas reads it back. Every cell is a string; a row with
 * more or fewer fields than the header is reported, never guessed.
 */
final class DelimitedRecords {
  private DelimitedRecords() {}

  static void read(String text, char delimiter, RecordFiles.Sink sink) {
    List<List<String>> rows = new ArrayList<>();
    List<Long> lines = new ArrayList<>();
    String error = split(text, delimiter, rows, lines);
    if (rows.isEmpty()) {
      sink.problem(0, error != null ? error : "the file is empty (no header row)");
      return;
    }
    List<String> header = new ArrayList<>(rows.get(0));
    if (!header.isEmpty() && header.get(0).isEmpty()) {
      header.set(0, "Unnamed: 0");
    }
    sink.columns(header);
    for (int r = 1; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      if (row.size() == 1 && row.get(0).isEmpty()) {
        continue; // a blank line
      }
      if (row.size() != header.size()) {
        sink.problem(r, "row at line " + lines.get(r) + " has " + row.size() + " fields, the header has "
            + header.size() + " (a stray delimiter or an unbalanced quote?)");
        continue;
      }
      ObjectNode node = JsonRecords.MAPPER.createObjectNode();
      for (int c = 0; c < header.size(); c++) {
        node.put(header.get(c), row.get(c));
      }
      sink.record(r, node);
    }
    if (error != null) {
      sink.problem(rows.size(), error);
    }
  }

  /** Splits into rows of fields; returns an error for an unterminated quote (the rows before it are kept). */
  private static String split(String text, char delimiter, List<List<String>> rows, List<Long> lines) {
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    long line = 1;
    long rowLine = 1;
    boolean quoted = false;
    boolean any = false;
    int i = 0;
    int n = text.length();
    if (n > 0 && text.charAt(0) == '\uFEFF') {
      i = 1; // byte order mark
    }
    for (; i < n; i++) {
      char c = text.charAt(i);
      any = true;
      if (quoted) {
        if (c == '"') {
          if (i + 1 < n && text.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          if (c == '\n') {
            line++;
          }
          field.append(c);
        }
      } else if (c == '"' && field.length() == 0) {
        quoted = true;
      } else if (c == delimiter) {
        row.add(field.toString());
        field.setLength(0);
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
          i++;
        }
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        lines.add(rowLine);
        row = new ArrayList<>();
        line++;
        rowLine = line;
        any = false;
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      return "a quoted field opened at line " + rowLine + " is never closed (file truncated?)";
    }
    if (any) {
      row.add(field.toString());
      rows.add(row);
      lines.add(rowLine);
    }
    return null;
  }
}
