package io.longctx.transforms.synth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the train and held-out splits as JSONL (one record per line, fields in the order {@code id, context,
 * question, answer, source, trace, task, difficulty}). Records are generated in parallel chunks and written in
 * index order, so the files are byte-identical for the same config. Each file is written to a temporary name
 * and moved into place, so a crash never leaves a half-written file under the final name.
 */
public final class SynthWriter {
  private static final JsonFactory JSON = new JsonFactory();
  private static final int CHUNK = 4096;

  /** The provenance file written next to the JSONL files. */
  public static final String MANIFEST = "manifest.json";

  private SynthWriter() {}

  /**
   * Writes {@code <dir>/train.jsonl} and {@code <dir>/heldout.jsonl} with the config's sample counts, then
   * {@code <dir>/manifest.json} (provenance: the synth config that produced the files and the summary).
   */
  public static SynthSummary writeAll(SynthGenerator generator, Path dir) {
    long start = System.nanoTime();
    SynthConfig c = generator.config();
    SynthSummary.Split train = write(generator, SynthSplit.TRAIN, c.samples(), dir.resolve("train.jsonl"));
    SynthSummary.Split heldout =
        write(generator, SynthSplit.HELDOUT, c.heldoutSamples(), dir.resolve("heldout.jsonl"));
    double seconds = Math.round((System.nanoTime() - start) / 1e6) / 1000.0;
    SynthSummary summary = new SynthSummary(c.seed(), seconds, train, heldout);
    writeManifest(c, summary, dir.resolve(MANIFEST));
    return summary;
  }

  private static void writeManifest(SynthConfig config, SynthSummary summary, Path file) {
    ObjectMapper kebab = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);
    ObjectNode root = kebab.createObjectNode();
    root.set("config", kebab.valueToTree(config));
    root.set("summary", SynthSummary.SNAKE.valueToTree(summary));
    try {
      Files.writeString(file, kebab.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    } catch (IOException e) {
      throw SynthErrors.cannotWrite(file, e);
    }
  }

  /** Writes records {@code 0..count-1} of a split to {@code file}. */
  public static SynthSummary.Split write(SynthGenerator generator, SynthSplit split, int count, Path file) {
    if (count <= 0) {
      throw SynthErrors.badCount(split.label(), count);
    }
    Stats stats = new Stats(generator.config().bands(split));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        for (int from = 0; from < count; from += CHUNK) {
          int n = Math.min(CHUNK, count - from);
          List<SynthRecord> chunk = generator.records(split, from, n);
          for (SynthRecord r : chunk) {
            writeJson(r, out);
            out.write('\n');
            stats.add(r);
          }
        }
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return stats.summary(file.toString(), Files.size(file));
    } catch (IOException e) {
      throw SynthErrors.cannotWrite(file, e);
    }
  }

  /** One record as a single JSON line (no trailing newline). */
  public static String toJson(SynthRecord r) {
    StringWriter w = new StringWriter(r.context().length() + 512);
    try {
      writeJson(r, w);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static void writeJson(SynthRecord r, Writer w) throws IOException {
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartObject();
      g.writeStringField("id", r.id());
      g.writeStringField("context", r.context());
      g.writeStringField("question", r.question());
      g.writeStringField("answer", r.answer());
      g.writeStringField("source", r.source());
      g.writeStringField("trace", r.trace());
      g.writeStringField("task", r.task());
      g.writeObjectFieldStart("difficulty");
      for (Map.Entry<String, Number> e : r.difficulty().entrySet()) {
        Number v = e.getValue();
        if (v instanceof Double || v instanceof Float) {
          g.writeNumberField(e.getKey(), v.doubleValue());
        } else {
          g.writeNumberField(e.getKey(), v.longValue());
        }
      }
      g.writeEndObject();
      g.writeEndObject();
    }
  }

  /** Running counts for the summary. */
  private static final class Stats {
    private final List<SynthConfig.LengthBand> bandList;
    private final Map<String, Integer> tasks = new LinkedHashMap<>();
    private final int[] bands;
    private int records;
    private long chars;
    private int min = Integer.MAX_VALUE;
    private int max;

    Stats(List<SynthConfig.LengthBand> bandList) {
      this.bandList = bandList;
      this.bands = new int[bandList.size()];
      for (SynthTask t : SynthTask.values()) {
        tasks.put(t.source(), 0);
      }
    }

    void add(SynthRecord r) {
      records++;
      tasks.merge(r.source(), 1, Integer::sum);
      bands[r.difficulty().get("length_band").intValue()]++;
      int n = r.context().length();
      chars += n;
      min = Math.min(min, n);
      max = Math.max(max, n);
    }

    SynthSummary.Split summary(String path, long bytes) {
      Map<String, Integer> byBand = new LinkedHashMap<>();
      for (int i = 0; i < bands.length; i++) {
        byBand.merge(bandList.get(i).label(), bands[i], Integer::sum);
      }
      double mean = Math.round(10.0 * chars / records) / 10.0;
      return new SynthSummary.Split(path, records, bytes, tasks, byBand, new SynthSummary.DocChars(min, mean, max));
    }
  }
}
