package io.longctx.transforms.synth;

import java.util.ArrayList;
import java.util.List;

/**
 * The synthetic task mix. Each task's {@link #source()} is the record's {@code source} (data_source), and the
 * rewards area routes on it: names containing {@code docmath} go to the numeric verifier, names containing
 * {@code long_toc_choices} to the multiple-choice verifier, the others to the multi-hop (SQuAD-normalised
 * sub-exact-match) verifier.
 */
public enum SynthTask {
  /** Numeric reasoning over a table or a figure description; the gold is a plain number. */
  DOCMATH("synth_docmath", "docmath"),
  /** A chain of relation hops spread through the document; the gold is an entity name. */
  MULTIHOP("synth_multihop", "multihop"),
  /** One fact (the needle) to find; the gold is a four-digit value. */
  RETRIEVAL("synth_retrieval", "retrieval"),
  /** A question with options (A)-(D) in its text; the gold is the letter. */
  LONG_TOC_CHOICES("synth_long_toc_choices", "long_toc_choices"),
  /**
   * One fact to find among same-template facts about other entities ({@code The code of Belumi is 3.}), whatever
   * {@code synth.distractor-similarity} says for the other tasks: the value is never the document's only number,
   * so the question's entity must be matched. A harder retrieval variant under its own data_source, for task
   * mixes (task-balanced sampling, task-level advantages) the embedded model can learn.
   */
  RETRIEVAL_DISTRACTORS("synth_retrieval_distractors", "retrieval_distractors");

  private final String source;
  private final String shortName;

  SynthTask(String source, String shortName) {
    this.source = source;
    this.shortName = shortName;
  }

  /** The data-source name written to the {@code source} field. */
  public String source() {
    return source;
  }

  /** The short task name written to the {@code task} field. */
  public String shortName() {
    return shortName;
  }

  /** All data-source names, in declaration order. */
  public static List<String> sources() {
    List<String> out = new ArrayList<>();
    for (SynthTask t : values()) {
      out.add(t.source);
    }
    return out;
  }
}
