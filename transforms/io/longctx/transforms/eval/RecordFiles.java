package io.longctx.transforms.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a dataset file in any of the types datasets are distributed as, told apart by content, then by extension:
 * Parquet (the {@code PAR1} magic; also a directory of Parquet files or a Delta table), a JSON array, JSON lines,
 * or delimited text ({@code .tsv} and tab-separated content as tab-separated values, otherwise {@code .csv}).
 * Parquet and Delta are read with Spark (nested structs and lists become JSON objects and arrays); the others in
 * the driver. Every record goes to the sink in file order as a JSON object; every record that cannot be read is
 * reported with its number, never skipped silently.
 */
final class RecordFiles {
  private RecordFiles() {}

  /** Receives the columns (once, when known before the first record) and each record in file order. */
  interface Sink {
    /** The file's column names (a delimited header, a Parquet schema); not called for JSON. */
    default void columns(List<String> names) {}

    void record(long number, JsonNode node);

    void problem(long number, String reason);
  }

  /** The file types, for messages. */
  enum Type { PARQUET, DELTA, JSON, DELIMITED }

  static Type typeOf(Path file) {
    if (Files.isDirectory(file)) {
      return Files.isDirectory(file.resolve("_delta_log")) ? Type.DELTA : Type.PARQUET;
    }
    byte[] head = new byte[4];
    try (var in = Files.newInputStream(file)) {
      int n = in.readNBytes(head, 0, 4);
      if (n == 4 && head[0] == 'P' && head[1] == 'A' && head[2] == 'R' && head[3] == '1') {
        return Type.PARQUET;
      }
    } catch (IOException e) {
      throw EvalErrors.unreadableFile(file, e);
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".tsv") || name.endsWith(".csv")) {
      return Type.DELIMITED;
    }
    return Type.JSON; // JSON lines or array; a delimited file under another name is detected by content below
  }

  /** Reads {@code file}; {@code spark} is needed only for Parquet and Delta (null: such a file is an error). */
  static void read(SparkSession spark, Path file, Sink sink) {
    Type type = typeOf(file);
    if (type == Type.PARQUET || type == Type.DELTA) {
      if (spark == null) {
        throw EvalErrors.needsSpark(file);
      }
      Dataset<Row> df = type == Type.DELTA
          ? spark.read().format("delta").load(file.toString())
          : spark.read().parquet(file.toString());
      sink.columns(Arrays.asList(df.columns()));
      long number = 0;
      for (String json : df.toJSON().collectAsList()) {
        number++;
        try {
          sink.record(number, JsonRecords.MAPPER.readTree(json));
        } catch (IOException e) {
          sink.problem(number, "cannot convert the row to JSON: " + e.getMessage());
        }
      }
      return;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw EvalErrors.unreadableFile(file, e);
    }
    int first = 0;
    while (first < bytes.length && Character.isWhitespace(bytes[first])) {
      first++;
    }
    String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean jsonName = lower.endsWith(".json") || lower.endsWith(".jsonl");
    boolean json = first < bytes.length && (bytes[first] == '{' || bytes[first] == '[');
    if (type == Type.JSON && (json || jsonName || bytes.length == 0)) {
      JsonRecords.read(bytes, sink);
      return;
    }
    String text;
    try {
      text = JsonRecords.decodeStrict(bytes, 0, bytes.length);
    } catch (CharacterCodingException e) {
      sink.problem(0, "file is not valid UTF-8");
      return;
    }
    int eol = text.indexOf('\n');
    String headerLine = eol < 0 ? text : text.substring(0, eol);
    char delimiter = lower.endsWith(".tsv") || !lower.endsWith(".csv") && headerLine.indexOf('\t') >= 0 ? '\t' : ',';
    DelimitedRecords.read(text, delimiter, sink);
  }

  /** The field names of a JSON object, in order. */
  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
