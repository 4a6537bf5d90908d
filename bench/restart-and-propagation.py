#!/usr/bin/env python3
"""Two latency figures the hardening issue asks for, measured on loopback with real processes:

restart: a single node (PARTITIONS partitions of a little data: 20 records of 100 bytes each)
  is killed with SIGKILL and started again, ROUNDS times; each sample is from the kill to the first acks=all Produce answered without an
  error (a raw request retried every 5 ms), so it includes process start, log recovery, the
  single-voter election and registration.
propagation: on a 3-node cluster, TOPICS topics are created one by one (CreateTopics to node 1);
  each sample is, for one node, the time from the CreateTopics answer until that node's Metadata
  names the topic with a leader for every partition (polled back to back).

Usage: bench/restart-and-propagation.py [ROUNDS] [TOPICS] [PARTITIONS]   (default 10, 100, 1000;
GREGOR_BIN picks the binary, default build/gregor)."""
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("GREGOR_BIN", str(ROOT / "build" / "gregor"))
sys.path.insert(0, str(ROOT / "tests" / "integration"))

import kwire  # noqa: E402
from cluster import Cluster  # noqa: E402
from conftest import Broker  # noqa: E402
from kwire import Conn, array, i16, i32, string  # noqa: E402


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def create_topic(conn, name, partitions, rf):
    body = array([string(name) + i32(partitions) + i16(rf) + array([]) + array([])]) + i32(30000)
    r = conn.request(19, 0, body, timeout=35)
    (_, err), = r.array(lambda rr: (rr.string(), rr.i16()))
    assert err == 0, f"CreateTopics {name}: error {err}"


def restart(base, rounds, partitions):
    b = Broker(base / "single")
    b.start()
    with Conn(b.host, b.port) as c:
        create_topic(c, "restart", partitions, 1)
        deadline = time.monotonic() + 60
        while True:
            md = kwire.metadata_v1(c, ["restart"])
            parts = md["topics"].get("restart", (3, {}))[1]
            if len(parts) == partitions and all(leader >= 0 for _, leader in parts.values()):
                break
            assert time.monotonic() < deadline, "topic not led"
            time.sleep(0.02)
        batch = kwire.record_batch([(None, b"x" * 100, [])] * 20)
        for p in range(partitions):
            assert kwire.produce_v3(c, "restart", p, batch)[0] == 0
    samples = []
    for _ in range(rounds):
        b.kill()
        t0 = time.monotonic()
        b.start(timeout=60)
        while True:
            try:
                with Conn(b.host, b.port, timeout=2) as c:
                    err, _ = kwire.produce_v3(c, "restart", 0, kwire.record_batch([(None, b"y", [])]),
                                              acks=-1, timeout_ms=2000, timeout=5)
                    if err == 0:
                        break
            except (OSError, kwire.Closed, TimeoutError):
                pass
            time.sleep(0.005)
        samples.append(time.monotonic() - t0)
    b.stop()
    return samples


def propagation(base, topics):
    cl = Cluster(base / "cluster", 3)
    cl.start()
    lags = []
    try:
        conns = [Conn(n.host, n.port) for n in cl.nodes]
        for i in range(topics):
            name = f"prop-{i}"
            create_topic(conns[0], name, 3, 3)
            t0 = time.monotonic()
            pending = set(range(len(conns)))
            while pending:
                for k in sorted(pending):
                    md = kwire.metadata_v1(conns[k], [name])
                    err, parts = md["topics"].get(name, (3, {}))
                    if err == 0 and len(parts) == 3 and all(leader >= 0 for _, leader in parts.values()):
                        lags.append(time.monotonic() - t0)
                        pending.discard(k)
                assert time.monotonic() - t0 < 30, f"{name} not visible everywhere within 30 s"
        for c in conns:
            c.close()
    finally:
        cl.destroy()
    return lags


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    topics = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    partitions = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    with tempfile.TemporaryDirectory(prefix="gregor-bench-") as d:
        base = Path(d)
        r = restart(base, rounds, partitions)
        print(f"restart (kill -9 to first acks=all ack), {partitions} partitions, {len(r)} rounds: p50 {pct(r, 50) * 1000:.0f} ms, "
              f"p90 {pct(r, 90) * 1000:.0f} ms, max {max(r) * 1000:.0f} ms")
        lags = propagation(base, topics)
        print(f"metadata propagation (CreateTopics answer to each node's Metadata), {len(lags)} samples "
              f"({topics} topics x 3 nodes): p50 {pct(lags, 50) * 1000:.1f} ms, p99 {pct(lags, 99) * 1000:.1f} ms, "
              f"max {max(lags) * 1000:.1f} ms, mean {statistics.mean(lags) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
