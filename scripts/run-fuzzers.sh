#!/usr/bin/env bash
# Runs every libFuzzer target built in the given build dir for a bounded time each
# (FUZZ_SECONDS, default 20), starting from the checked-in seed corpora in tests/fuzz/corpus.
set -euo pipefail
dir=${1:-build-fuzz}
secs=${FUZZ_SECONDS:-20}
cd "$(dirname "$0")/.."
shopt -s nullglob
targets=("$dir"/tests/fuzz/fuzz_*)
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz: no fuzz targets built in $dir"
  exit 1
fi
for t in "${targets[@]}"; do
  name=$(basename "$t")
  corpus="tests/fuzz/corpus/${name#fuzz_}"
  work=$(mktemp -d)
  [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null || true
  echo "fuzz: $name for ${secs}s"
  log="$work.log"
  if ! "$t" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=5 -print_final_stats=1 \
      -artifact_prefix="$work/" "$work" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: $name FAILED; reproducers:" "$work"/crash-* "$work"/timeout-* "$work"/oom-* 2>/dev/null
    exit 1
  fi
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" | sed "s/^/fuzz: $name /"
  rm -rf "$work" "$log"
done
