package io.longctx.transforms;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.is_valid_utf8;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Reads curation inputs into {@link CurationSchemas#RAW} rows: one per JSONL line, JSON array element, CSV or
 * TSV data row, Parquet row or Delta row, numbered from 1 within its file (or table). JSONL is read as text, so a
 * malformed line becomes a row to parse (and quarantine) rather than a Spark failure; bytes that are not UTF-8, blank lines and records
 * over the size limit are flagged here.
 */
public final class Ingest {
  private Ingest() {}

  /**
   * Input formats by file extension ({@code .json} whose content opens with {@code [} is a JSON array); a
   * directory with {@code _delta_log} is a Delta table.
   */
  public enum Format { JSONL, JSON_ARRAY, PARQUET, CSV, TSV, DELTA }

  /** One readable input: a file or a Delta table. */
  public record Source(String path, Format format) {}

  /** Expands paths (files, directories of files, Delta tables) into sources, sorted within each directory. */
  public static List<Source> resolve(SparkSession spark, List<String> paths) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<Source> out = new ArrayList<>();
    for (String p : paths) {
      try {
        Path path = new Path(p);
        FileSystem fs = path.getFileSystem(conf);
        if (!fs.exists(path)) {
          throw CurateErrors.inputNotFound(p);
        }
        FileStatus st = fs.getFileStatus(path);
        String qualified = st.getPath().toString();
        if (st.isFile()) {
          Format f = formatOf(qualified).orElseThrow(() -> CurateErrors.unsupportedFormat(p));
          out.add(new Source(qualified, f == Format.JSONL && opensArray(fs, st.getPath()) ? Format.JSON_ARRAY : f));
        } else if (fs.exists(new Path(path, "_delta_log"))) {
          out.add(new Source(qualified, Format.DELTA));
        } else {
          FileStatus[] children = fs.listStatus(path);
          Arrays.sort(children, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
          int before = out.size();
          for (FileStatus c : children) {
            String name = c.getPath().getName();
            if (c.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
              var f = formatOf(c.getPath().toString());
              if (f.isPresent()) {
                boolean array = f.get() == Format.JSONL && opensArray(fs, c.getPath());
                out.add(new Source(c.getPath().toString(), array ? Format.JSON_ARRAY : f.get()));
              }
            }
          }
          if (out.size() == before) {
            throw CurateErrors.emptyInput(p);
          }
        }
      } catch (IOException e) {
        throw CurateErrors.io("list input " + p, e);
      }
    }
    return out;
  }

  static java.util.Optional<Format> formatOf(String path) {
    String n = path.toLowerCase(Locale.ROOT);
    if (n.endsWith(".jsonl") || n.endsWith(".json") || n.endsWith(".jsonl.gz") || n.endsWith(".json.gz")) {
      return java.util.Optional.of(Format.JSONL);
    } else if (n.endsWith(".parquet")) {
      return java.util.Optional.of(Format.PARQUET);
    } else if (n.endsWith(".csv")) {
      return java.util.Optional.of(Format.CSV);
    } else if (n.endsWith(".tsv")) {
      return java.util.Optional.of(Format.TSV);
    }
    return java.util.Optional.empty();
  }

  /** Whether an uncompressed {@code .json} file's first non-blank character is {@code [}. */
  private static boolean opensArray(FileSystem fs, Path path) throws IOException {
    if (!path.getName().toLowerCase(Locale.ROOT).endsWith(".json")) {
      return false;
    }
    try (var in = fs.open(path)) {
      int c;
      do {
        c = in.read();
      } while (c >= 0 && Character.isWhitespace(c));
      return c == '[';
    }
  }

  /** Reads every source into one dataset of {@link CurationSchemas#RAW} rows. */
  public static Dataset<Row> read(SparkSession spark, List<Source> sources, long maxRecordBytes) {
    Dataset<Row> all = null;
    for (Source s : sources) {
      Dataset<Row> one = switch (s.format()) {
        case JSONL -> jsonl(spark, s.path(), maxRecordBytes);
        case PARQUET -> asJson(spark, checkLayout(spark.read().parquet(s.path()), s), s, maxRecordBytes);
        case DELTA -> asJson(spark, checkLayout(spark.read().format("delta").load(s.path()), s), s, maxRecordBytes);
        case CSV -> csv(spark, s, ",", maxRecordBytes);
        case TSV -> csv(spark, s, "\t", maxRecordBytes);
        case JSON_ARRAY -> jsonArray(spark, s, maxRecordBytes);
      };
      all = all == null ? one : all.union(one);
    }
    return all == null ? spark.createDataFrame(List.of(), CurationSchemas.RAW) : all;
  }

  /**
   * A table's columns must fit one input layout: the verl layout ({@code prompt} and {@code reward_model}) or the
   * plain one ({@code context} or {@code document}, {@code question}, {@code answer}), else the whole file is one
   * error naming the expected and the found columns (JSON lines are checked per record instead).
   */
  static <T> Dataset<T> checkLayout(Dataset<T> rows, Source s) {
    List<String> cols = Arrays.asList(rows.columns());
    boolean verl = cols.contains("prompt") && cols.contains("reward_model");
    boolean plain = (cols.contains("context") || cols.contains("document")) && cols.contains("question")
        && cols.contains("answer");
    if (!verl && !plain) {
      throw CurateErrors.wrongLayout(s.path(), cols);
    }
    return rows;
  }

  private static Dataset<Row> jsonl(SparkSession spark, String file, long max) {
    Column value = col("value");
    Column size = octet_length(value);
    Column oversize = size.gt(max);
    Column invalid = not(is_valid_utf8(value));
    Dataset<Row> lines = spark.read().text(file).select(
        when(oversize.or(invalid), lit(null).cast(DataTypes.StringType)).otherwise(value).as("text"),
        when(oversize, lit(ReasonCode.OVERSIZE_RECORD.name()))
            .when(invalid, lit(ReasonCode.INVALID_UTF8.name()))
            .when(trim(value).equalTo(""), lit(ReasonCode.EMPTY_RECORD.name())).as("raw_error"),
        when(oversize, concat(lit("line is "), size.cast("string"), lit(" bytes, over curate.max-record-bytes = " + max)))
            .when(invalid, lit("line is not valid UTF-8 (fix the file's encoding)"))
            .when(trim(value).equalTo(""), lit("blank line")).as("raw_message"));
    return numbered(spark, lines, file, Format.JSONL);
  }

  private static Dataset<Row> asJson(SparkSession spark, Dataset<Row> rows, Source s, long max) {
    Column json = to_json(struct(col("*")));
    Dataset<Row> texts = rows.select(json.as("json")).select(
        when(octet_length(col("json")).gt(max), lit(null).cast(DataTypes.StringType)).otherwise(col("json")).as("text"),
        when(octet_length(col("json")).gt(max), lit(ReasonCode.OVERSIZE_RECORD.name())).as("raw_error"),
        when(octet_length(col("json")).gt(max),
            concat(lit("row is "), octet_length(col("json")).cast("string"),
                lit(" bytes as JSON, over curate.max-record-bytes = " + max))).as("raw_message"));
    return numbered(spark, texts, s.path(), s.format());
  }

  /**
   * CSV rows: all columns read as strings; a row with more fields than the header (it spills into a sentinel
   * column) or fewer (its last column is missing) is {@link ReasonCode#MALFORMED_CSV}.
   */
  private static Dataset<Row> csv(SparkSession spark, Source s, String sep, long max) {
    StructType header = checkLayout(spark.read().option("header", "true").option("multiLine", "true")
        .option("sep", sep).csv(s.path()), s).schema();
    String[] names = header.fieldNames();
    StructType schema = new StructType();
    for (String n : names) {
      schema = schema.add(n, DataTypes.StringType, true);
    }
    String extra = "_extra_field_";
    schema = schema.add(extra, DataTypes.StringType, true);
    Dataset<Row> rows = spark.read().schema(schema).option("header", "true").option("multiLine", "true")
        .option("sep", sep)
        .option("escape", "\"").option("nullValue", "\u0000<null>").option("enforceSchema", "true")
        .option("mode", "PERMISSIVE").csv(s.path());
    Column[] cols = Arrays.stream(names).map(n -> col("`" + n + "`")).toArray(Column[]::new);
    Column bad = col(extra).isNotNull().or(cols[cols.length - 1].isNull());
    Column json = to_json(struct(cols));
    Dataset<Row> texts = rows.select(
        when(bad.or(octet_length(json).gt(max)), lit(null).cast(DataTypes.StringType)).otherwise(json).as("text"),
        when(bad, lit(ReasonCode.MALFORMED_CSV.name()))
            .when(octet_length(json).gt(max), lit(ReasonCode.OVERSIZE_RECORD.name())).as("raw_error"),
        when(bad, lit("row does not have the header's " + names.length + " fields (unbalanced quotes or commas?)"))
            .when(octet_length(json).gt(max), lit("row is over curate.max-record-bytes = " + max)).as("raw_message"));
    return numbered(spark, texts, s.path(), s.format());
  }

  /**
   * A JSON array (one file, read on the driver): each element becomes one record, numbered from 1. When the
   * array is malformed or truncated, the elements before the fault are kept and one {@link
   * ReasonCode#MALFORMED_JSON} record stands for the rest.
   */
  private static Dataset<Row> jsonArray(SparkSession spark, Source s, long max) {
    List<Row> rows = new ArrayList<>();
    Path path = new Path(s.path());
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    try (var in = path.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(path);
        var p = json.getFactory().createParser((java.io.InputStream) in)) {
      p.nextToken(); // START_ARRAY
      while (p.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
        if (p.currentToken() == null) {
          rows.add(RowFactory.create(null, ReasonCode.MALFORMED_JSON.name(),
              "the JSON array is not closed (file truncated?)"));
          break;
        }
        String text = json.readTree(p).toString();
        long size = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        rows.add(size > max
            ? RowFactory.create(null, ReasonCode.OVERSIZE_RECORD.name(),
                "element is " + size + " bytes, over curate.max-record-bytes = " + max)
            : RowFactory.create(text, null, null));
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      rows.add(RowFactory.create(null, ReasonCode.MALFORMED_JSON.name(),
          "malformed JSON array at line " + e.getLocation().getLineNr() + ": " + e.getOriginalMessage()
              + " (the elements after this point cannot be read)"));
    } catch (IOException e) {
      throw CurateErrors.io("read input " + s.path(), e);
    }
    StructType schema = new StructType().add("text", DataTypes.StringType, true)
        .add("raw_error", DataTypes.StringType, true).add("raw_message", DataTypes.StringType, true);
    return numbered(spark, spark.createDataFrame(rows, schema).coalesce(1), s.path(), s.format());
  }

  /** Numbers rows 1..n in read order (the order of lines within a file) and adds the file and format. */
  private static Dataset<Row> numbered(SparkSession spark, Dataset<Row> rows, String file, Format format) {
    JavaRDD<Row> rdd = rows.javaRDD().zipWithIndex().map(new ToRawRow(file, format.name()));
    return spark.createDataFrame(rdd, CurationSchemas.RAW);
  }

  /** (text, raw_error, raw_message) with its 0-based index -> a {@link CurationSchemas#RAW} row. */
  static final class ToRawRow implements Function<Tuple2<Row, Long>, Row> {
    private final String file;
    private final String format;

    ToRawRow(String file, String format) {
      this.file = file;
      this.format = format;
    }

    @Override
    public Row call(Tuple2<Row, Long> t) {
      Row r = t._1();
      return RowFactory.create(file, t._2() + 1, format, r.getString(0), r.getString(1), r.getString(2));
    }
  }
}
