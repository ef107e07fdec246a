package io.longctx.transforms.synth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Lays out one document: anchored facts at their relative sentence positions (order kept), distractors in
 * random free slots, filler everywhere else, up to the target length (never over it by filler; facts alone may
 * exceed a very small target). Sentences are grouped into paragraphs of three to six; blocks get their own.
 */
final class DocumentAssembler {
  /** The document text and the character offset of each anchored item, in anchoring order. */
  record Document(String text, int[] anchorOffsets) {}

  /** Filler sentences tried once the next one no longer fits: keeps the undershoot to about 30 characters. */
  private static final int FIT_ATTEMPTS = 12;

  private DocumentAssembler() {}

  static Document assemble(SplittableRandom rng, Draft draft, boolean fillerNumbers) {
    int used = 0;
    for (Draft.Item item : draft.anchored) {
      used += item.text().length() + 2;
    }
    for (Draft.Item item : draft.distractors) {
      used += item.text().length() + 2;
    }
    List<String> fillers = new ArrayList<>();
    int misses = 0;
    while (misses < FIT_ATTEMPTS) {
      String s = Filler.sentence(rng, fillerNumbers);
      if (used + s.length() + 1 > draft.targetDocChars) {
        misses++; // near the target, try shorter sentences before giving up
        continue;
      }
      fillers.add(s);
      used += s.length() + 1;
    }
    int anchoredCount = draft.anchored.size();
    int total = anchoredCount + draft.distractors.size() + fillers.size();
    Draft.Item[] slots = new Draft.Item[total];
    int[] anchorSlot = placeAnchors(draft, slots);
    placeDistractors(rng, draft.distractors, slots);
    int next = 0;
    for (int i = 0; i < total; i++) {
      if (slots[i] == null) {
        slots[i] = Draft.Item.sentence(fillers.get(next++));
      }
    }
    return join(rng, slots, anchorSlot);
  }

  private static int[] placeAnchors(Draft draft, Draft.Item[] slots) {
    int n = draft.anchored.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(draft.positions.get(a), draft.positions.get(b)));
    int[] slotOf = new int[n];
    int prev = -1;
    for (int rank = 0; rank < n; rank++) {
      int i = order[rank];
      int want = (int) Math.round(draft.positions.get(i) * (slots.length - 1));
      int slot = Math.min(Math.max(want, prev + 1), slots.length - (n - rank));
      slots[slot] = draft.anchored.get(i);
      slotOf[i] = slot;
      prev = slot;
    }
    return slotOf;
  }

  private static void placeDistractors(SplittableRandom rng, List<Draft.Item> items, Draft.Item[] slots) {
    int[] free = new int[slots.length];
    int count = 0;
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] == null) {
        free[count++] = i;
      }
    }
    for (int k = 0; k < items.size(); k++) {
      int j = k + rng.nextInt(count - k);
      int tmp = free[k];
      free[k] = free[j];
      free[j] = tmp;
      slots[free[k]] = items.get(k);
    }
  }

  private static Document join(SplittableRandom rng, Draft.Item[] slots, int[] anchorSlot) {
    StringBuilder sb = new StringBuilder();
    int[] slotOffset = new int[slots.length];
    int inParagraph = 0;
    int paragraphSize = 3 + rng.nextInt(4);
    boolean breakDue = false;
    for (int i = 0; i < slots.length; i++) {
      Draft.Item item = slots[i];
      if (sb.length() > 0) {
        boolean newParagraph = item.block() || breakDue || inParagraph >= paragraphSize;
        sb.append(newParagraph ? "\n\n" : " ");
        if (newParagraph) {
          inParagraph = 0;
          paragraphSize = 3 + rng.nextInt(4);
        }
      }
      slotOffset[i] = sb.length();
      sb.append(item.text());
      inParagraph++;
      breakDue = item.block();
    }
    int[] offsets = new int[anchorSlot.length];
    for (int i = 0; i < anchorSlot.length; i++) {
      offsets[i] = slotOffset[anchorSlot[i]];
    }
    return new Document(sb.toString(), offsets);
  }
}
