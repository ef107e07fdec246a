package io.longctx.transforms.synth;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The small, consistent vocabulary of the synthetic documents, and the per-record pool that hands out fresh
 * names and values. Fact entities are exactly three consonant-vowel syllables (six letters), so no gold entity
 * can be a substring of another fact entity; filler names have two or four syllables, so they never equal a
 * fact entity. Fact values are four-digit numbers, distinct within a record, for the same reason.
 */
final class Lexicon {
  static final String[] ONSETS = {"b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z"};
  static final String[] VOWELS = {"a", "e", "i", "o", "u"};

  /** Relations whose value is a four-digit number (retrieval). */
  static final String[] VALUE_RELATIONS = {"code", "room", "badge"};
  /** Relations whose value is another entity (multi-hop chains). */
  static final String[] LINK_RELATIONS = {"mentor", "friend", "partner", "rival"};
  /** The relation the multiple-choice task asks about. */
  static final String CITY = "city";
  /** Quantities reported in DocMath tables and figures. */
  static final String[] METRICS = {"units", "sales", "orders", "visitors"};

  private Lexicon() {}

  static String syllable(SplittableRandom rng) {
    return ONSETS[rng.nextInt(ONSETS.length)] + VOWELS[rng.nextInt(VOWELS.length)];
  }

  static String word(SplittableRandom rng, int syllables) {
    StringBuilder sb = new StringBuilder(syllables * 2);
    for (int i = 0; i < syllables; i++) {
      sb.append(syllable(rng));
    }
    sb.setCharAt(0, Character.toUpperCase(sb.charAt(0)));
    return sb.toString();
  }

  /** A filler name: two or four syllables, never the length of a fact entity. */
  static String fillerName(SplittableRandom rng) {
    return word(rng, rng.nextBoolean() ? 2 : 4);
  }

  static String pick(SplittableRandom rng, String[] items) {
    return items[rng.nextInt(items.length)];
  }

  /** Fresh fact entities and values for one record; nothing it returns repeats within the record. */
  static final class Pool {
    private final SplittableRandom rng;
    private final int lowestValue;
    private final Set<String> names = new HashSet<>();
    private final Set<Integer> values = new HashSet<>();

    /** A pool of four-digit values. */
    Pool(SplittableRandom rng) {
      this(rng, 4);
    }

    /** A pool of {@code digits}-digit values (1-4; one digit means 1-9). */
    Pool(SplittableRandom rng, int digits) {
      this.rng = rng;
      this.lowestValue = digits == 1 ? 1 : (int) Math.pow(10, digits - 1);
    }

    /** A fresh three-syllable entity name. */
    String name() {
      while (true) {
        String n = word(rng, 3);
        if (names.add(n)) {
          return n;
        }
      }
    }

    /** A fresh name that differs from {@code name} in exactly one letter (a near-identical distractor). */
    String nearName(String name) {
      for (int attempt = 0; attempt < 64; attempt++) {
        int pos = rng.nextInt(name.length());
        boolean vowel = pos % 2 == 1;
        String[] alphabet = vowel ? VOWELS : ONSETS;
        String letter = alphabet[rng.nextInt(alphabet.length)];
        if (pos == 0) {
          letter = letter.toUpperCase();
        }
        String candidate = name.substring(0, pos) + letter + name.substring(pos + 1);
        if (!candidate.equals(name) && names.add(candidate)) {
          return candidate;
        }
      }
      return name();
    }

    /** A fresh value of the pool's width (four digits by default). */
    int value() {
      int span = lowestValue == 1 ? 9 : 9 * lowestValue;
      if (values.size() >= span) {
        throw new IllegalStateException("all " + span + " values of this width are used in one record");
      }
      while (true) {
        int v = lowestValue + rng.nextInt(span);
        if (values.add(v)) {
          return v;
        }
      }
    }

    /** A fresh four-digit value that differs from {@code v} in one digit. */
    int nearValue(int v) {
      for (int attempt = 0; attempt < 64; attempt++) {
        char[] digits = Integer.toString(v).toCharArray();
        int pos = rng.nextInt(digits.length);
        digits[pos] = (char) ('0' + (pos == 0 ? 1 + rng.nextInt(9) : rng.nextInt(10)));
        int candidate = Integer.parseInt(new String(digits));
        if (candidate != v && values.add(candidate)) {
          return candidate;
        }
      }
      return value();
    }
  }
}
