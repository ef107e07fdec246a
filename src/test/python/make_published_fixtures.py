"""Writes the small fixtures under src/test/resources/published/ with the libraries the datasets are published
with, so the Java loaders are tested on files exactly as those libraries write them:

  frames/test.tsv                  pandas DataFrame.to_csv(sep="\t"), the layout of google/frames-benchmark test.tsv
  frames/pages.jsonl               every linked article (url, title, text), JSON lines
  frames/pages-partial.parquet     the same less two articles, written by pyarrow
  longbench-v2/data.json           LongBench v2 as published (one JSON array)
  longbench-v2/data.parquet        the same records written by Hugging Face `datasets` (Dataset.to_parquet)
  mrcr/2needle.parquet             OpenAI MRCR's columns, written by `datasets`
  mrcr/2needle.jsonl               the same records as JSON lines
  mrcr/responses.jsonl             replayed responses for the MRCR records (scores computed in the Java test)
  docqa/docqa-rl.parquet           DocQA-RL-1.6K's layout (nested prompt list<struct<content, role>>,
                                   reward_model struct<ground_truth, style>, extra_info struct) written by `datasets`
  docqa/docqa-rl.jsonl             the same records as JSON lines
  docqa/docqa-rl.json              the same records as one JSON array
  plain/plain.tsv                  the plain layout (id, context, question, answer, source) by pandas to_csv(sep="\t")
  plain/plain.jsonl                the same records as JSON lines

All entities and texts are invented. Run from the repository root with the venv that has datasets, pyarrow and
pandas (pip install datasets pyarrow pandas):
    python src/test/python/make_published_fixtures.py
The files are committed; the Java build never runs Python.
"""
import json
import os

import datasets
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = "src/test/resources/published"


def out(*parts):
    path = os.path.join(ROOT, *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def wiki(title):
    return "https://en.wikipedia.org/wiki/" + title.replace(" ", "_")


ARTICLES = {
    "Orlem Vasko": "Orlem Vasko was born in Kantria in 1901.",
    "Kantria": "The capital of Kantria is Dovel. The Vessa River flows through Dovel.",
    "Dovel, Kantria": "Dovel is a city of 40,000 people on the Vessa River.",
    "Tamsin Reel": "Tamsin Reel wrote \"The Quiet Harbour\" in 1950.",
    "The Quiet Harbour": "The Quiet Harbour is a novel set in Port Elm.",
    "Port Elm": "Port Elm has a lighthouse built in 1832.",
    "Lighthouses of Elmshire": "Elmshire lists 12 lighthouses.",
    "Bram Ostel": "Bram Ostel was a Kantrian engineer.",
    "Ostel Bridge": "The Ostel Bridge over the Vessa was finished in 1930.",
    "Vessa River": "The Vessa River is 310 km long.",
    "Elm Bay": "Elm Bay lies south of Port Elm.",
    "Kantrian Railways": "Kantrian Railways opened its first line in 1888.",
}


def frames():
    rows = [
        {"Prompt": "Which river flows through the capital of the country where Orlem Vasko was born?",
         "Answer": "Vessa River",
         "links": ["Orlem Vasko", "Kantria", "Dovel, Kantria"],
         "reasoning_types": "Multiple constraints"},
        {"Prompt": "In what year was the lighthouse built in the town where the novel by Tamsin Reel is set?\n"
                   "Answer with a \"year\".",
         "Answer": "1832",
         "links": ["Tamsin Reel", "The Quiet Harbour", "Port Elm", "Lighthouses of Elmshire"],
         "reasoning_types": "Temporal reasoning | Multiple constraints"},
        {"Prompt": "How many years after Kantrian Railways opened its first line was the bridge named after Bram "
                   "Ostel finished?",
         "Answer": "42",
         "links": ["Bram Ostel", "Ostel Bridge", "Vessa River", "Kantria", "Port Elm", "Elm Bay", "Orlem Vasko",
                   "Tamsin Reel", "The Quiet Harbour", "Lighthouses of Elmshire", "Kantrian Railways",
                   "Dovel, Kantria"],
         "reasoning_types": "Numerical reasoning | Temporal reasoning"},
    ]
    records = []
    for r in rows:
        urls = [wiki(t) for t in r["links"]]
        rec = {"Prompt": r["Prompt"], "Answer": r["Answer"]}
        for i in range(10):
            rec["wikipedia_link_%d" % (i + 1)] = urls[i] if i < len(urls) else float("nan")
        rec["wikipedia_link_11+"] = ", ".join(urls[10:]) if len(urls) > 10 else float("nan")
        rec["reasoning_types"] = r["reasoning_types"]
        rec["wiki_links"] = repr(urls)
        records.append(rec)
    pd.DataFrame(records).to_csv(out("frames", "test.tsv"), sep="\t")
    with open(out("frames", "pages.jsonl"), "w", encoding="utf-8") as f:
        for title, text in ARTICLES.items():
            f.write(json.dumps({"url": wiki(title), "title": title, "text": text}) + "\n")
    partial = [{"url": wiki(t), "title": t, "text": x} for t, x in ARTICLES.items()
               if t not in ("Lighthouses of Elmshire", "Ostel Bridge")]
    pq.write_table(pa.Table.from_pylist(partial), out("frames", "pages-partial.parquet"))


def longbench_v2():
    recs = []
    for i, (q, choices, ans) in enumerate([
        ("Which city is the capital of Kantria?", ["Port Elm", "Dovel", "Elm Bay", "Ostel"], "B"),
        ("When was the Ostel Bridge finished?", ["1888", "1901", "1930", "1950"], "C"),
        ("Who wrote The Quiet Harbour?", ["Tamsin Reel", "Bram Ostel", "Orlem Vasko", "Nobody"], "A"),
    ]):
        recs.append({
            "_id": "lbv2-%04d" % i, "domain": "Single-Document QA", "sub_domain": "Literary",
            "difficulty": "easy" if i % 2 == 0 else "hard", "length": "short", "question": q,
            "choice_A": choices[0], "choice_B": choices[1], "choice_C": choices[2], "choice_D": choices[3],
            "answer": ans, "context": " ".join(ARTICLES.values()),
        })
    with open(out("longbench-v2", "data.json"), "w", encoding="utf-8") as f:
        json.dump(recs, f, ensure_ascii=False, indent=1)
    datasets.Dataset.from_list(recs).to_parquet(out("longbench-v2", "data.parquet"))


def mrcr():
    recs = []
    for i, (prefix, topic, needles) in enumerate([
        ("aYooSG8CQg", "tapirs", ["Tapirs wade at dawn.", "Tapirs sleep in the reeds."]),
        ("Qm7xPzL2bT", "rocks", ["Rocks are cold.", "Rocks remember rain."]),
    ]):
        msgs = []
        for k, n in enumerate(needles):
            msgs.append({"role": "user", "content": "write a poem about " + topic})
            msgs.append({"role": "assistant", "content": n})
            msgs.append({"role": "user", "content": "write a blog post about weather"})
            msgs.append({"role": "assistant", "content": "Weather post %d." % k})
        msgs.append({"role": "user", "content": "Prepend %s to the 2nd (1 indexed) poem about %s. Do not include "
                                                "any other text in your response." % (prefix, topic)})
        recs.append({"prompt": json.dumps(msgs), "answer": prefix + needles[1], "random_string_to_prepend": prefix,
                     "n_needles": 2, "desired_msg_index": 5, "total_messages": len(msgs),
                     "n_chars": sum(len(m["content"]) for m in msgs)})
    datasets.Dataset.from_list(recs).to_parquet(out("mrcr", "2needle.parquet"))
    with open(out("mrcr", "2needle.jsonl"), "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r) + "\n")
    # record 1: right prefix, one word off; record 2: no prefix (scores 0 per the dataset card)
    with open(out("mrcr", "responses.jsonl"), "w", encoding="utf-8") as f:
        f.write(json.dumps({"benchmark": "mrcr", "item_id": "2needle.parquet#1", "sample_index": 0,
                            "response": "aYooSG8CQgTapirs sleep in reeds."}) + "\n")
        f.write(json.dumps({"benchmark": "mrcr", "item_id": "2needle.parquet#2", "sample_index": 0,
                            "response": "Rocks remember rain."}) + "\n")


def docqa():
    recs = []
    for i, (source, doc, q, gold) in enumerate([
        ("docmath_qa", "Revenue was 120.5 in 2019 and 134.0 in 2020.", "What is the change in revenue?", "13.5"),
        ("multihoprag_qa", "Orlem Vasko was born in Kantria. The capital of Kantria is Dovel.",
         "Where is the capital of the country where Orlem Vasko was born?", "Dovel"),
        ("long_toc_choices_0_20000", "Chapter 1: Tapirs. Chapter 2: Rocks.",
         "Which chapter is about rocks?\n(A) 1\n(B) 2\n(C) 3\n(D) 4", "B"),
    ]):
        fmt = ("The correct answer is" if "choices" in source else "Therefore, the answer is")
        user = ("Please read the following text and answer the question below.\n\n<text>\n" + doc
                + "\n</text>\n\n" + q + "\n\nFormat your response as follows: \"" + fmt
                + " (insert answer here)\".")
        recs.append({"data_source": source, "prompt": [{"content": user, "role": "user"}], "ability": "doc-qa",
                     "reward_model": {"ground_truth": gold, "style": "rule"},
                     "extra_info": {"index": i, "input_length": len(user), "split": "train"}})
    datasets.Dataset.from_list(recs).to_parquet(out("docqa", "docqa-rl.parquet"))
    with open(out("docqa", "docqa-rl.jsonl"), "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r) + "\n")
    with open(out("docqa", "docqa-rl.json"), "w", encoding="utf-8") as f:
        json.dump(recs, f, indent=1)


def plain():
    recs = [
        {"id": "p0", "context": "Port Elm has a lighthouse built in 1832.\nIt is \"white\", tall.",
         "question": "When was the lighthouse built?", "answer": "1832", "source": "synth_retrieval"},
        {"id": "p1", "context": "The Vessa River is 310 km long.\tIt flows through Dovel.",
         "question": "How long is the Vessa River?", "answer": "310 km", "source": "synth_multihop"},
    ]
    pd.DataFrame(recs).to_csv(out("plain", "plain.tsv"), sep="\t", index=False)
    with open(out("plain", "plain.jsonl"), "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    frames()
    longbench_v2()
    mrcr()
    docqa()
    plain()
    print("datasets", datasets.__version__, "pyarrow", pa.__version__, "pandas", pd.__version__)
