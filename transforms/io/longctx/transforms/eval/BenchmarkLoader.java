package io.longctx.transforms.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads benchmark files in their published layouts into {@link EvalItem}s. Files are JSON lines or a JSON array;
 * they are read from local or mounted paths, never downloaded. Every record that cannot be used (malformed JSON,
 * invalid UTF-8, a missing or wrongly typed field, an empty question/document/gold, a duplicate id) is returned
 * as a {@link LoadProblem} naming the file and record: nothing is dropped silently.
 */
public final class BenchmarkLoader {
  private BenchmarkLoader() {}

  /** The usable items and the problems, in file order. */
  public record Result(List<EvalItem> items, List<LoadProblem> problems) {
    public Result {
      items = List.copyOf(items);
      problems = List.copyOf(problems);
    }
  }

  /** Loads every file of one benchmark (e.g. the four DocMath testmini subsets). Item ids must be unique. */
  public static Result load(Benchmark benchmark, List<Path> files) {
    List<EvalItem> items = new ArrayList<>();
    List<LoadProblem> problems = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw EvalErrors.missingFile(benchmark.key(), file);
      }
      String name = file.getFileName().toString();
      String prefix = files.size() > 1 ? stem(name) + "/" : "";
      JsonRecords.read(
          file,
          new JsonRecords.Sink() {
            @Override
            public void record(long number, JsonNode node) {
              try {
                EvalItem item = Layouts.parse(benchmark, node, name + "#" + number);
                item = new EvalItem(item.benchmark(), prefix + item.itemId(), item.dataSource(), item.question(),
                    item.document(), item.golds());
                if (!seen.add(item.itemId())) {
                  problems.add(new LoadProblem(benchmark.key(), file.toString(), number,
                      "duplicate item id '" + item.itemId() + "'"));
                } else {
                  items.add(item);
                }
              } catch (Layouts.BadRecord e) {
                problems.add(new LoadProblem(benchmark.key(), file.toString(), number, e.getMessage()));
              }
            }

            @Override
            public void problem(long number, String reason) {
              problems.add(new LoadProblem(benchmark.key(), file.toString(), number, reason));
            }
          });
    }
    return new Result(items, problems);
  }

  private static String stem(String fileName) {
    int dot = fileName.indexOf('.');
    return dot > 0 ? fileName.substring(0, dot) : fileName;
  }
}
