package io.longctx.transforms.synth;

/**
 * The two disjoint record streams. A record's random generator is derived from (seed, split, index), so the
 * train and held-out sets never share a generator and any record can be regenerated alone.
 */
public enum SynthSplit {
  TRAIN("train", 0x5EED_7A11L),
  HELDOUT("heldout", 0x0DD_BA11L);

  private final String label;
  private final long stream;

  SynthSplit(String label, long stream) {
    this.label = label;
    this.stream = stream;
  }

  /** The file stem and id infix: {@code train} or {@code heldout}. */
  public String label() {
    return label;
  }

  long stream() {
    return stream;
  }
}
