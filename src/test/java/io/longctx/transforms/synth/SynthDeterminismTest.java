package io.longctx.transforms.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthDeterminismTest {
  @TempDir Path dir;

  private static SynthConfig small(long seed) {
    return SynthTestConfigs.seed(SynthTestConfigs.counts(SynthConfig.defaults(), 600, 120), seed);
  }

  @Test
  void sameSeedWritesByteIdenticalFiles() throws Exception {
    SynthWriter.writeAll(SynthGenerator.of(small(7)), dir.resolve("a"));
    SynthWriter.writeAll(SynthGenerator.of(small(7)), dir.resolve("b"));
    for (String f : List.of("train.jsonl", "heldout.jsonl")) {
      byte[] a = Files.readAllBytes(dir.resolve("a").resolve(f));
      byte[] b = Files.readAllBytes(dir.resolve("b").resolve(f));
      assertThat(a).hasSizeGreaterThan(10_000).isEqualTo(b);
    }
    assertThat(Files.readAllLines(dir.resolve("a/train.jsonl"))).hasSize(600);
    assertThat(Files.readAllLines(dir.resolve("a/heldout.jsonl"))).hasSize(120);
    assertThat(dir.resolve("a/train.jsonl.tmp")).doesNotExist();
  }

  @Test
  void heldoutBandsReshapeOnlyTheHeldoutFile() throws Exception {
    SynthConfig base = small(7);
    List<SynthConfig.LengthBand> stratified = List.of(
        new SynthConfig.LengthBand(300, 470, 1), new SynthConfig.LengthBand(1110, 2000, 1));
    SynthConfig even = SynthTestConfigs.counts(SynthTestConfigs.heldoutBands(base, stratified), 600, 400);
    SynthWriter.writeAll(SynthGenerator.of(SynthTestConfigs.counts(base, 600, 400)), dir.resolve("a"));
    SynthSummary summary = SynthWriter.writeAll(SynthGenerator.of(even), dir.resolve("b"));

    assertThat(Files.readAllBytes(dir.resolve("b/train.jsonl")))
        .isEqualTo(Files.readAllBytes(dir.resolve("a/train.jsonl")));
    assertThat(Files.readAllBytes(dir.resolve("b/heldout.jsonl")))
        .isNotEqualTo(Files.readAllBytes(dir.resolve("a/heldout.jsonl")));
    assertThat(summary.heldout().lengthBands()).containsOnlyKeys("300-470", "1110-2000");
    assertThat(summary.heldout().lengthBands().values()).allSatisfy(n -> assertThat(n).isBetween(160, 240));
    assertThat(summary.train().lengthBands()).containsOnlyKeys(
        base.lengthBands().stream().map(SynthConfig.LengthBand::label).toArray(String[]::new));
    for (SynthRecord r : SynthGenerator.of(even).records(SynthSplit.HELDOUT, 400)) {
      SynthConfig.LengthBand band = stratified.get(r.difficulty().get("length_band").intValue());
      assertThat(r.difficulty().get("target_prompt_bytes").intValue()).isBetween(band.min(), band.max());
    }
  }

  @Test
  void differentSeedGivesDifferentRecords() {
    List<SynthRecord> a = SynthGenerator.of(small(7)).records(SynthSplit.TRAIN, 50);
    List<SynthRecord> b = SynthGenerator.of(small(8)).records(SynthSplit.TRAIN, 50);
    int same = 0;
    for (int i = 0; i < 50; i++) {
      if (a.get(i).context().equals(b.get(i).context())) {
        same++;
      }
    }
    assertThat(same).isZero();
  }

  @Test
  void anyRecordRegeneratesAloneAndParallelEqualsSequential() {
    SynthGenerator g = SynthGenerator.of(small(11));
    List<SynthRecord> batch = g.records(SynthSplit.TRAIN, 400);
    for (int i : new int[] {0, 1, 57, 199, 399}) {
      assertThat(SynthWriter.toJson(g.record(SynthSplit.TRAIN, i))).isEqualTo(SynthWriter.toJson(batch.get(i)));
    }
    List<SynthRecord> tail = g.records(SynthSplit.TRAIN, 390, 10);
    for (int i = 0; i < 10; i++) {
      assertThat(tail.get(i)).isEqualTo(batch.get(390 + i));
    }
    // a fresh generator from an equal config regenerates the same record
    assertThat(SynthGenerator.of(small(11)).record(SynthSplit.TRAIN, 199)).isEqualTo(batch.get(199));
  }

  @Test
  void splitsAreDisjointAndIdsUnique() {
    SynthGenerator g = SynthGenerator.of(small(3));
    Set<String> ids = new HashSet<>();
    Set<String> contexts = new HashSet<>();
    for (SynthSplit split : SynthSplit.values()) {
      for (SynthRecord r : g.records(split, 300)) {
        assertThat(ids.add(r.id())).as("duplicate id %s", r.id()).isTrue();
        assertThat(contexts.add(r.context())).as("duplicate document in %s", r.id()).isTrue();
        assertThat(r.id()).startsWith("synth-" + split.label() + "-");
      }
    }
  }

  @Test
  void heldoutShares13GramsWithTrainOnlyByRareAccident() {
    SynthGenerator g = SynthGenerator.of(SynthConfig.defaults());
    Set<String> train = new HashSet<>();
    for (SynthRecord r : g.records(SynthSplit.TRAIN, 2000)) {
      addNgrams(train, r.context() + " " + r.question(), 13);
    }
    Set<String> heldout = new HashSet<>();
    for (SynthRecord r : g.records(SynthSplit.HELDOUT, 200)) {
      addNgrams(heldout, r.context() + " " + r.question(), 13);
    }
    long shared = heldout.stream().filter(train::contains).count();
    assertThat(heldout).hasSizeGreaterThan(10_000);
    assertThat((double) shared / heldout.size()).as("shared 13-grams: %d of %d", shared, heldout.size())
        .isLessThan(0.001);
  }

  static void addNgrams(Set<String> out, String text, int n) {
    String[] w = text.toLowerCase().replaceAll("[^a-z0-9 \\n]", " ").trim().split("\\s+");
    for (int i = 0; i + n <= w.length; i++) {
      out.add(String.join(" ", java.util.Arrays.copyOfRange(w, i, i + n)));
    }
  }
}
