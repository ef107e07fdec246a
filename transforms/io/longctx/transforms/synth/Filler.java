package io.longctx.transforms.synth;

import java.util.SplittableRandom;

/**
 * Unrelated filler sentences. Every sentence carries at least three random names or numbers, so long word
 * n-grams (e.g. 13-grams) practically never repeat across records, which keeps train/held-out
 * decontamination meaningful. Filler never uses the fact templates ({@code The <relation> of <Entity> is ...},
 * tables, figures) and its names are never three syllables long, so it cannot be mistaken for a fact.
 */
final class Filler {
  private static final String[] PLACES = {
    "mill", "market", "harbor", "bridge", "tower", "garden", "school", "farm", "library", "station"
  };
  private static final String[] GOODS = {
    "lamps", "boxes", "baskets", "rugs", "jars", "maps", "coats", "bells", "kites", "plates"
  };
  private static final int TEMPLATES = 8;

  /** Words that stand in for counts and years when filler carries no digits. */
  private static final String[] COUNTS = {
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty", "forty",
    "many", "several", "a few", "a dozen", "some"
  };
  private static final String[] TIMES = {
    "the spring", "the summer", "the autumn", "the winter", "that year", "the old days", "the dry season",
    "the rainy season"
  };

  /** A filler sentence with digits in it. */
  static String sentence(SplittableRandom rng) {
    return sentence(rng, true);
  }

  /**
   * A filler sentence; without {@code numbers} its counts and years are words, so that a document's only digits
   * are those of its facts.
   */
  static String sentence(SplittableRandom rng, boolean numbers) {
    return new Filler(rng, numbers).next();
  }

  private final SplittableRandom rng;
  private final boolean numbers;

  private Filler(SplittableRandom rng, boolean numbers) {
    this.rng = rng;
    this.numbers = numbers;
  }

  private String next() {
    switch (rng.nextInt(TEMPLATES)) {
      case 0:
        return "In " + year(rng) + ", " + name(rng) + " met " + name(rng) + " at the " + place(rng) + " of "
            + name(rng) + ".";
      case 1:
        return name(rng) + " sold " + num(rng) + " " + goods(rng) + " to " + name(rng) + " on day " + num(rng) + ".";
      case 2:
        return "The " + place(rng) + " near " + name(rng) + " had " + num(rng) + " guests in " + year(rng) + ".";
      case 3:
        return name(rng) + " and " + name(rng) + " walked " + num(rng) + " miles to " + name(rng) + ".";
      case 4:
        return "A note by " + name(rng) + " lists " + num(rng) + " " + goods(rng) + " and " + num(rng) + " "
            + goods(rng) + ".";
      case 5:
        return name(rng) + " wrote " + num(rng) + " letters to " + name(rng) + " in " + year(rng) + ".";
      case 6:
        return "Each spring " + name(rng) + " paints " + num(rng) + " " + goods(rng) + " for " + name(rng) + ".";
      default:
        return "On day " + num(rng) + ", " + name(rng) + " fixed the " + place(rng) + " with " + name(rng) + ".";
    }
  }

  private String name(SplittableRandom rng) {
    return Lexicon.fillerName(rng);
  }

  private String place(SplittableRandom rng) {
    return Lexicon.pick(rng, PLACES);
  }

  private String goods(SplittableRandom rng) {
    return Lexicon.pick(rng, GOODS);
  }

  private String num(SplittableRandom rng) {
    return numbers ? Integer.toString(2 + rng.nextInt(998)) : Lexicon.pick(rng, COUNTS);
  }

  private String year(SplittableRandom rng) {
    return numbers ? Integer.toString(1900 + rng.nextInt(130)) : Lexicon.pick(rng, TIMES);
  }
}
