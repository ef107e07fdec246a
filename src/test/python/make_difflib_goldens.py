"""Writes src/test/resources/difflib/ratio-goldens.jsonl: pairs of strings and the ratio Python's own
difflib.SequenceMatcher(None, a, b).ratio() gives them, for SequenceMatcherTest.

Run from the repository root with any Python 3 (standard library only):
    python3 src/test/python/make_difflib_goldens.py
Deterministic (fixed seed); the file is committed, the Java build never runs Python.
"""
import json
import random
import sys
from difflib import SequenceMatcher

OUT = "src/test/resources/difflib/ratio-goldens.jsonl"


def words(rng, n, vocab):
    return " ".join(rng.choice(vocab) for _ in range(n))


def mutate(rng, s, edits, alphabet):
    chars = list(s)
    for _ in range(edits):
        op = rng.randrange(3)
        pos = rng.randrange(len(chars) + 1)
        if op == 0:
            chars.insert(pos, rng.choice(alphabet))
        elif op == 1 and chars:
            del chars[min(pos, len(chars) - 1)]
        elif chars:
            chars[min(pos, len(chars) - 1)] = rng.choice(alphabet)
    return "".join(chars)


def cases():
    rng = random.Random(20261205)
    out = [
        ("", ""), ("", "abc"), ("abc", ""), ("abcd", "bcde"), ("abxcd", "abcd"),
        ("private Thread currentThread;", "private volatile Thread currentThread;"),
        ("aYooSG8CQgpoem", "aYooSG8CQgpoem"), ("tapir", "TAPIR"),
    ]
    vocab = ["the", "tapir", "poem", "rock", "blog", "about", "a", "of", "river", "stone", "\u00e9t\u00e9",
             "\U0001F600", "\u4e2d\u6587", "\n", "-", "1", "22"]
    alphabet = "abcdefghij \n.,\u00e9\U0001F600"
    for n in [3, 10, 40, 60, 120]:  # short: no autojunk
        for _ in range(4):
            a = words(rng, n, vocab)
            out.append((a, mutate(rng, a, rng.randrange(1, 8), alphabet)))
    for n in [199, 200, 201, 350, 1200]:  # around and over the autojunk threshold of 200 elements of b
        for _ in range(4):
            a = "".join(rng.choice("ab c") for _ in range(n))
            b = mutate(rng, a, rng.randrange(1, 30), "abcxyz ")
            out.append((a, b))
            out.append((b, a))
    for _ in range(8):  # MRCR-like: long answers, many repeated characters (popular in b)
        a = words(rng, 300, vocab)
        b = mutate(rng, a, rng.randrange(0, 60), alphabet)
        out.append((a, b))
        out.append((words(rng, 250, vocab), b))
    for _ in range(20):  # unrelated random strings
        out.append(("".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 300))),
                    "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 300)))))
    return out


def main():
    with open(OUT, "w", encoding="utf-8") as f:
        for a, b in cases():
            r = SequenceMatcher(None, a, b).ratio()
            f.write(json.dumps({"a": a, "b": b, "ratio": r}, ensure_ascii=False) + "\n")
    print("wrote", OUT, "with Python", sys.version.split()[0])


if __name__ == "__main__":
    main()
