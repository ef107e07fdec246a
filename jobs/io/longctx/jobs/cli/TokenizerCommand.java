package io.longctx.jobs.cli;

import io.longctx.jobs.config.LongctxConfig;
import io.longctx.policy.tokenizer.BpeTokenizer;
import io.longctx.policy.tokenizer.BpeTrainer;
import io.longctx.policy.tokenizer.HuggingFaceExport;
import io.longctx.policy.tokenizer.TokenizerSpec;
import io.longctx.transforms.synth.SynthBpe;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code longctx tokenizer}: learns a byte-level BPE (the {@code bpe:FILE} tokenizer spec) from text files, or by
 * default from the configured synthetic generator exactly as the shipped {@code synth-bpe} was learned, and writes
 * its merges file. Prints a JSON summary on stdout.
 */
@Command(
    name = "tokenizer",
    mixinStandardHelpOptions = true,
    description = {
      "Learn a byte-level BPE tokenizer and write its merges file (use it with",
      "--set policy.tokenizer=bpe:FILE). Without --input it learns from --records records",
      "of the configured synth generator rendered through the prompt and chat templates, as",
      "the shipped 'synth-bpe' was (synth defaults, 4000 records, 768 tokens).",
      "With --input it learns from text files, one training text per line."
    })
public final class TokenizerCommand extends ConfiguredCommand {
  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Merges file to write.")
  Path out;

  @Option(names = "--vocab-size", paramLabel = "N",
      description = "Total vocabulary: 256 bytes + 2 specials + merges (default: ${DEFAULT-VALUE}).")
  int vocabSize = SynthBpe.VOCAB_SIZE;

  @Option(names = "--records", paramLabel = "N",
      description = "Synthetic records to learn from when no --input is given (default: ${DEFAULT-VALUE}).")
  int records = SynthBpe.RECORDS;

  @Option(names = "--min-frequency", paramLabel = "N",
      description = "A pair must occur this often to be merged (default: ${DEFAULT-VALUE}).")
  int minFrequency = SynthBpe.MIN_FREQUENCY;

  @Option(names = "--input", paramLabel = "FILE", description = "Text file, one training text per line (repeatable).")
  List<Path> inputs = new ArrayList<>();

  @Option(names = "--hf-json", paramLabel = "FILE",
      description = "Also write the tokenizer as a Hugging Face tokenizer.json (same ids and merges), with a "
          + "tokenizer_config.json beside it.")
  Path hfJson;

  @Override
  protected int run(LongctxConfig config) throws Exception {
    long t0 = System.nanoTime();
    BpeTokenizer bpe;
    long texts = 0;
    if (inputs.isEmpty()) {
      bpe = SynthBpe.train(config.synth(), records, vocabSize, minFrequency);
      texts = records;
    } else {
      BpeTrainer trainer = new BpeTrainer(vocabSize, minFrequency);
      for (Path p : inputs) {
        if (!Files.isRegularFile(p)) {
          throw new IllegalArgumentException("--input " + p + " is not a readable file");
        }
        try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
          String line;
          while ((line = r.readLine()) != null) {
            trainer.add(line);
            texts++;
          }
        }
      }
      bpe = trainer.train();
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    bpe.write(out);
    if (hfJson != null) {
      HuggingFaceExport.write(bpe, hfJson);
    }
    System.err.printf("longctx tokenizer: %d merges learned from %d texts in %.1f s; use it with"
        + " --set policy.tokenizer=%s%s%n", bpe.merges().size(), texts, (System.nanoTime() - t0) / 1e9,
        TokenizerSpec.BPE_PREFIX, out.toAbsolutePath());
    System.out.println(JsonLine.of("merges_file", out.toAbsolutePath().toString(), "vocab_size", bpe.vocabSize(),
        "texts", texts, "tokenizer_json", hfJson == null ? null : hfJson.toAbsolutePath().toString()));
    return 0;
  }
}
