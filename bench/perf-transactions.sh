#!/usr/bin/env bash
# Measures `gregor perf produce` (1 KiB records, no compression, 3 partitions, acks=all) against a
# fresh single-node broker in three modes, alternating ROUNDS times in the same run: plain acks=all
# (enable.idempotence=false, the baseline), an idempotent producer (enable.idempotence=true), and
# a transactional producer committing every 1,000 records. Prints each run and each mode's median
# MB/s as a ratio of the baseline's median.
# Usage: bench/perf-transactions.sh [RECORDS] [ROUNDS]   (default 300000, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-300000}
ROUNDS=${2:-3}
BIN=${GREGOR_BIN:-build/gregor}
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { kill "${gpid:-0}" 2>/dev/null || true; wait "${gpid:-0}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$BIN" serve --set node.id=1 --set process.roles=broker,controller \
  --set listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport \
  --set controller.quorum.voters=1@127.0.0.1:$cport --set log.dirs="$work/data" >"$work/gregor.log" 2>&1 & gpid=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
bs=127.0.0.1:$port
for mode in plain idem txn; do
  "$BIN" topics create "perf-$mode" --partitions 3 --replication-factor 1 --bootstrap-server "$bs" >/dev/null
done

report=bench/perf-report.py
python3 "$report" header
results="$work/results"
for r in $(seq "$ROUNDS"); do
  for mode in plain idem txn; do
    case $mode in
      plain) extra=(--producer-prop enable.idempotence=false) ;;
      idem) extra=(--producer-prop enable.idempotence=true) ;;
      txn) extra=(--transactional-id "perf-txn-$r" --transaction-size 1000) ;;
    esac
    out=$("$BIN" perf produce --topic "perf-$mode" --bootstrap-server "$bs" --record-size 1024 --num-records "$N" \
      --acks all "${extra[@]}" --output json 2>/dev/null | tail -n 1)
    echo "$mode $out" >>"$results"
    python3 "$report" row "round $r: $mode" "$out"
  done
done
python3 "$report" medians "$results" plain "plain=acks=all, idempotence off" "idem=acks=all, idempotence on" \
  "txn=transactions of 1,000 records"
