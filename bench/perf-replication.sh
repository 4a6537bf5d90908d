#!/usr/bin/env bash
# Measures `gregor perf produce` (1 KiB records, no compression, 3 partitions) on a local
# three-node cluster (`gregor dev-cluster --nodes 3`) for a topic with replication factor 1 and
# acks=1 (the baseline) and one with replication factor 3, min.insync.replicas=2 and acks=all,
# alternating ROUNDS times in the same run, and prints each run and the RF=3/RF=1 ratio of the
# medians. Usage: bench/perf-replication.sh [RECORDS] [ROUNDS]   (default 300000, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-300000}
ROUNDS=${2:-3}
BIN=${GREGOR_BIN:-build/gregor}
work=$(mktemp -d)
base=$(python3 - <<'PY'
import random, socket
for _ in range(200):
    b = random.randrange(20000, 29800)
    try:
        for p in [b + i for i in range(3)] + [b + 100 + i for i in range(3)]:
            s = socket.socket(); s.bind(("127.0.0.1", p)); s.close()
        print(b); break
    except OSError:
        pass
PY
)
cleanup() { kill -INT "${dpid:-0}" 2>/dev/null || true; wait "${dpid:-0}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$BIN" dev-cluster --nodes 3 --dir "$work/dc" --base-port "$base" >"$work/dev-cluster.log" 2>&1 & dpid=$!
bs=127.0.0.1:$base
for _ in $(seq 300); do
  "$BIN" cluster describe --bootstrap-server "$bs" --output json --timeout-ms 2000 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if len(d["brokers"]) == 3 else 1)' 2>/dev/null && break
  sleep 0.2
done
"$BIN" topics create perf-rf1 --partitions 3 --replication-factor 1 --bootstrap-server "$bs" >/dev/null
"$BIN" topics create perf-rf3 --partitions 3 --replication-factor 3 --config min.insync.replicas=2 \
  --bootstrap-server "$bs" >/dev/null
sleep 2
report=bench/perf-report.py
python3 "$report" header
results="$work/results"
for r in $(seq "$ROUNDS"); do
  for spec in "rf1 1" "rf3 all"; do
    set -- $spec
    out=$("$BIN" perf produce --topic "perf-$1" --bootstrap-server "$bs" --record-size 1024 --num-records "$N" \
      --acks "$2" --output json 2>/dev/null | tail -n 1)
    echo "$1 $out" >>"$results"
    python3 "$report" row "round $r: $1 acks=$2" "$out"
  done
done
python3 "$report" medians "$results" rf1 "rf1=RF=1 acks=1" "rf3=RF=3 acks=all"
