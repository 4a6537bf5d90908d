#!/usr/bin/env bash
# Measures `gregor perf produce` (1 KiB records; acks=1 and acks=all; no compression and lz4)
# and `gregor perf consume` against a fresh single-node broker, beside the loopback TCP
# bandwidth iperf3 measures in the same run, and prints each figure as a ratio of it.
# Usage: bench/perf-vs-loopback.sh [RECORDS]   (default 1,000,000 per run)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
BIN=${GREGOR_BIN:-build/gregor}
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
iport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { kill "${gpid:-0}" "${ipid:-0}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

iperf3 -s -1 -p "$iport" -B 127.0.0.1 >/dev/null 2>&1 & ipid=$!
sleep 0.5
loop_mbs=$(iperf3 -c 127.0.0.1 -p "$iport" -t 5 -J | python3 -c 'import json,sys; d=json.load(sys.stdin); print(round(d["end"]["sum_received"]["bits_per_second"]/8/1048576,1))')
echo "loopback TCP (iperf3, 1 stream, 5 s): ${loop_mbs} MB/s (MB = MiB, as gregor perf reports)"

"$BIN" serve --set node.id=1 --set process.roles=broker,controller \
  --set listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport \
  --set controller.quorum.voters=1@127.0.0.1:$cport --set log.dirs="$work/data" >"$work/gregor.log" 2>&1 & gpid=$!
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done

printf '%-34s %12s %10s %10s %10s %10s %8s\n' run records/s MB/s p50_ms p99_ms p99.9_ms ratio
for acks in 1 all; do
  for comp in none lz4; do
    topic="perf-$acks-$comp"
    "$BIN" topics create "$topic" --partitions 1 --replication-factor 1 --bootstrap-server 127.0.0.1:$port >/dev/null
    out=$("$BIN" perf produce --topic "$topic" --bootstrap-server 127.0.0.1:$port --record-size 1024 \
      --num-records "$N" --acks "$acks" --compression "$comp" --output json 2>/dev/null | tail -n 1)
    python3 - "$out" "$loop_mbs" "produce acks=$acks compression=$comp" <<'PY'
import json, sys
d = json.loads(sys.argv[1]); loop = float(sys.argv[2])
print('%-34s %12.0f %10.1f %10.2f %10.2f %10.2f %8.3f' % (sys.argv[3], d['records_per_sec'], d['mb_per_sec'],
      d['p50_ms'], d['p99_ms'], d['p999_ms'], d['mb_per_sec'] / loop))
PY
  done
done
out=$("$BIN" perf consume --topic perf-1-none --bootstrap-server 127.0.0.1:$port --num-records "$N" --output json 2>/dev/null | tail -n 1)
python3 - "$out" "$loop_mbs" <<'PY'
import json, sys
d = json.loads(sys.argv[1]); loop = float(sys.argv[2])
print('%-34s %12.0f %10.1f %10s %10s %10s %8.3f' % ('consume (uncompressed topic)', d['records_per_sec'], d['mb_per_sec'], '-', '-', '-', d['mb_per_sec'] / loop))
PY
