package io.longctx.notebooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Databricks notebook in source format, parsed: the file starts with {@code # Databricks notebook source},
 * cells are separated by {@code # COMMAND ----------}, and a cell whose lines all start with {@code # MAGIC} is
 * a magic cell ({@code %md} markdown, {@code %sql} SQL, every line prefixed); any other cell is Python.
 *
 * <p>Parameters: the notebook's widgets ({@code dbutils.widgets.text("name", "default", ...)}) and the SQL
 * references to them, written {@code ${longctx.name}}: the parameters cell copies every widget into the Spark
 * session conf under {@code longctx.<name>}, and Spark SQL's variable substitution replaces the references before
 * a statement is parsed.
 */
record SourceNotebook(Path file, List<Cell> cells) {
  static final String HEADER = "# Databricks notebook source";
  static final String SEPARATOR = "# COMMAND ----------";
  static final String MAGIC = "# MAGIC";
  /** The Spark conf namespace the widgets are copied into. */
  static final String CONF_PREFIX = "longctx.";

  private static final Pattern WIDGET =
      Pattern.compile("dbutils\\.widgets\\.text\\(\\s*\"([A-Za-z_][A-Za-z0-9_]*)\"\\s*,\\s*\"([^\"]*)\"");
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern COPY_LOOP = Pattern.compile(
      "(?m)^for name in \\[([^\\]]*)]:\\s*\\n\\s+spark\\.conf\\.set\\(f\"" + Pattern.quote(CONF_PREFIX)
          + "\\{name}\", dbutils\\.widgets\\.get\\(name\\)\\)\\s*$");

  enum Kind { MARKDOWN, SQL, PYTHON }

  /**
   * One cell.
   *
   * @param index position in the notebook, from 1 (as a reader counts the cells)
   * @param text the cell's text without the {@code # MAGIC} prefixes and the {@code %md}/{@code %sql} line
   */
  record Cell(int index, Kind kind, String text) {}

  static SourceNotebook parse(Path file) {
    String source;
    try {
      source = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> lines = source.lines().toList();
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      throw new IllegalArgumentException(file + ": the first line must be '" + HEADER + "'");
    }
    List<Cell> cells = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.strip().equals(SEPARATOR)) {
        addCell(file, cells, current);
        current = new ArrayList<>();
      } else {
        current.add(line);
      }
    }
    addCell(file, cells, current);
    return new SourceNotebook(file, List.copyOf(cells));
  }

  private static void addCell(Path file, List<Cell> cells, List<String> raw) {
    List<String> lines = trimBlank(raw);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException(file + ": cell " + (cells.size() + 1) + " is empty");
    }
    int index = cells.size() + 1;
    boolean magic = lines.stream().allMatch(l -> l.equals(MAGIC) || l.startsWith(MAGIC + " "));
    if (!magic) {
      if (lines.stream().anyMatch(l -> l.startsWith(MAGIC))) {
        throw new IllegalArgumentException(file + ": cell " + index + " mixes '# MAGIC' lines and plain lines");
      }
      cells.add(new Cell(index, Kind.PYTHON, String.join("\n", lines)));
      return;
    }
    List<String> body = lines.stream().map(l -> l.length() <= MAGIC.length() ? "" : l.substring(MAGIC.length() + 1))
        .toList();
    String command = body.get(0).strip();
    String text = String.join("\n", trimBlank(body.subList(1, body.size())));
    switch (command) {
      case "%md" -> cells.add(new Cell(index, Kind.MARKDOWN, text));
      case "%sql" -> cells.add(new Cell(index, Kind.SQL, text));
      default -> throw new IllegalArgumentException(
          file + ": cell " + index + " starts with '" + command + "'; expected %md or %sql");
    }
  }

  private static List<String> trimBlank(List<String> lines) {
    int from = 0;
    int to = lines.size();
    while (from < to && lines.get(from).isBlank()) {
      from++;
    }
    while (to > from && lines.get(to - 1).isBlank()) {
      to--;
    }
    return lines.subList(from, to);
  }

  String name() {
    return file.getFileName().toString();
  }

  List<Cell> cells(Kind kind) {
    return cells.stream().filter(c -> c.kind() == kind).toList();
  }

  /** The text widgets declared anywhere in the notebook: name -> default value, in declaration order. */
  Map<String, String> widgets() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Cell c : cells(Kind.PYTHON)) {
      Matcher m = WIDGET.matcher(c.text());
      while (m.find()) {
        out.put(m.group(1), m.group(2));
      }
    }
    return out;
  }

  /** The widget names a Python cell copies into the session conf (the {@code for name in [...]} loop), or none. */
  static List<String> copiedToConf(Cell cell) {
    Matcher m = COPY_LOOP.matcher(cell.text());
    if (!m.find()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (String part : m.group(1).split(",")) {
      String p = part.strip();
      if (p.length() >= 2 && p.startsWith("\"") && p.endsWith("\"")) {
        names.add(p.substring(1, p.length() - 1));
      } else if (!p.isEmpty()) {
        names.add(p);
      }
    }
    return names;
  }

  /** Every {@code ${...}} reference in a SQL text, in order (duplicates kept). */
  static List<String> references(String sql) {
    List<String> out = new ArrayList<>();
    Matcher m = REFERENCE.matcher(sql);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
