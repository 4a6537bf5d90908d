"""A bounded nemesis run (issue 12): a 3-node cluster in network namespaces (as in
test_netns_partition.py), a topic of 3 partitions with replication factor 3 and
min.insync.replicas=2, an acks=all producer and a read_committed consumer running
throughout, while a seeded schedule of faults hits the cluster one at a time: kill -9 of a
partition leader, kill -9 of the active controller, SIGSTOP/SIGCONT of a node, and a node cut
off from the other brokers by nft (clients still reach it). After the last fault every ISR must
be back to 3 within 30 s; then everything is read back from the log start and history_checker
looks for lost, duplicated (none allowed when the producer is idempotent) and reordered records,
reads that later vanished (a consumer read that the final log does not hold), consumers going
back or skipping, and real-time order violations.

GREGOR_NEMESIS_SECONDS sets how long faults are injected (CI: 120), GREGOR_NEMESIS_SEED the
schedule's seed (printed, so a failing schedule can be replayed). GREGOR_NEMESIS_IDEMPOTENT=1
makes the producer idempotent (librdkafka's enable.idempotence) and forbids duplicates; CI runs
without it until a known defect is fixed: one 120 s run (seed 426087) ended with the idempotent
producer's fatal error (issue 12 note, stop 23), while two 300 s runs passed. The figures are printed:
faults by kind, acknowledged records, the checker's counts, the longest time any partition went
without an acknowledgement, and the time from the last fault to every ISR of 3."""
import json
import os
from collections import Counter
import random
import signal
import subprocess
import threading
import time

from confluent_kafka import Consumer, KafkaError, TopicPartition

import history_checker
from conftest import GREGOR_BIN
from test_netns_partition import NetnsCluster, pytestmark  # noqa: F401 - the same skip condition
from test_replication import Writer, create_topic, drain, partition_state, wait_state

TOPIC = "nemesis"
PARTITIONS = 3


class Reader:
    """A read_committed consumer of every partition from offset 0 on its own thread; each poll
    goes into the writer's History (under its lock) for the vanished-read and monotonic checks."""

    def __init__(self, bootstrap, history, lock):
        self.history, self.lock = history, lock
        self.stop = threading.Event()
        self.read = 0
        self.errors = []
        self.c = Consumer({"bootstrap.servers": bootstrap, "group.id": "nemesis-reader",
                           "enable.auto.commit": False, "auto.offset.reset": "error",
                           "isolation.level": "read_committed", "topic.metadata.refresh.interval.ms": 1000,
                           "fetch.wait.max.ms": 100})
        self.c.assign([TopicPartition(TOPIC, p, 0) for p in range(PARTITIONS)])
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop.is_set():
            msgs = self.c.consume(500, 0.2)
            batch = {}
            for m in msgs:
                if m.error():
                    if m.error().code() != KafkaError._PARTITION_EOF:
                        self.errors.append(m.error().str())
                    continue
                batch.setdefault(m.partition(), []).append((m.offset(), m.value().decode()))
            with self.lock:
                for p, recs in batch.items():
                    self.history.poll("reader", p, recs)
                    self.read += len(recs)
        self.c.close()


def quorum_leader(c):
    """The active controller's node id as `gregor cluster describe` reports it, or -1."""
    nodes = ",".join(n.bootstrap for n in c.nodes if n.running())
    out = subprocess.run([GREGOR_BIN, "cluster", "describe", "--bootstrap-server", nodes, "--output", "json",
                          "--timeout-ms", "5000"], capture_output=True, text=True, timeout=20)
    if out.returncode != 0:
        return -1
    return json.loads(out.stdout)["quorum"].get("leader", -1)


def longest_gap(acked_at, start, end):
    """The longest time a partition went without an acknowledgement within [start, end]:
    (seconds, partition, gap start)."""
    best = (0.0, -1, start)
    for p in range(PARTITIONS):
        times = sorted(a for _, a, part in acked_at if part == p and start <= a <= end)
        prev = start
        for t in times + [end]:
            if t - prev > best[0]:
                best = (t - prev, p, prev)
            prev = t
    return best


def test_nemesis_schedule_of_kills_pauses_and_cuts_loses_nothing(tmp_path):
    seconds = float(os.environ.get("GREGOR_NEMESIS_SECONDS", "120"))
    seed = int(os.environ.get("GREGOR_NEMESIS_SEED", str(int(time.time()) % 1000000)))
    idempotent = os.environ.get("GREGOR_NEMESIS_IDEMPOTENT", "0") == "1"
    rng = random.Random(seed)
    print(f"\nnemesis: seed {seed}, {seconds:.0f} s of faults (GREGOR_NEMESIS_SEED={seed} replays this schedule), "
          f"{'idempotent' if idempotent else 'plain'} acks=all producer")
    c = NetnsCluster(tmp_path)
    schedule = []  # (t, kind, node, duration)
    try:
        c.up()
        c.start()
        create_topic(c.bootstrap, TOPIC, PARTITIONS)
        for part in range(PARTITIONS):
            wait_state(c, TOPIC, lambda l, r, isr: l >= 0 and len(isr) == 3, partition=part,
                       what=f"three in-sync replicas of partition {part}")
        fatal = []
        config = {"message.timeout.ms": 120000, "error_cb": lambda e: e.fatal() and fatal.append(e.str())}
        if idempotent:
            config["enable.idempotence"] = True
        w = Writer(c.bootstrap, TOPIC, PARTITIONS, config=config)
        reader = Reader(c.bootstrap, w.history, w.lock)
        w.thread.start()
        reader.thread.start()
        deadline = time.monotonic() + 20
        while any(w.acked_after(0, p) is None for p in range(PARTITIONS)):
            assert time.monotonic() < deadline, f"no write acknowledged: {w.errors[:5]}"
            time.sleep(0.05)

        t_start = time.monotonic()
        t_last_fault_end = t_start
        while time.monotonic() - t_start < seconds:
            kind = rng.choice(["kill-leader", "kill-controller", "pause", "cut"])
            if kind == "kill-leader":
                st = partition_state(c, TOPIC, rng.randrange(PARTITIONS))
                victim = st[0] if st and st[0] > 0 else rng.randint(1, 3)
            elif kind == "kill-controller":
                victim = quorum_leader(c)
                if victim <= 0:
                    victim = rng.randint(1, 3)
            else:
                victim = rng.randint(1, 3)
            node = c.node(victim)
            duration = {"kill-leader": rng.uniform(0.5, 4), "kill-controller": rng.uniform(0.5, 4),
                        "pause": rng.uniform(1, 6), "cut": rng.uniform(2, 8)}[kind]
            schedule.append((round(time.monotonic() - t_start, 1), kind, victim, round(duration, 1)))
            if kind.startswith("kill"):
                node.kill()
                time.sleep(duration)
                node.start(timeout=60)
            elif kind == "pause":
                node.proc.send_signal(signal.SIGSTOP)
                time.sleep(duration)
                node.proc.send_signal(signal.SIGCONT)
            else:
                c.cut(victim)
                time.sleep(duration)
                c.heal()
            t_last_fault_end = time.monotonic()
            assert not fatal, f"the idempotent producer hit a fatal error: {fatal}; schedule {schedule}"
            time.sleep(rng.uniform(1, 3))

        # Every ISR back to 3 within 30 s of the end of the last fault.
        for part in range(PARTITIONS):
            wait_state(c, TOPIC, lambda l, r, isr: l >= 0 and len(isr) == 3, timeout=t_last_fault_end + 30 - time.monotonic(),
                       partition=part, what=f"partition {part} back to three in-sync replicas within 30 s of the last fault")
        isr_healed = time.monotonic() - t_last_fault_end
        # Writes flow again on every partition.
        t_check = time.monotonic()
        deadline = t_check + 30
        while any(w.acked_after(t_check, p) is None for p in range(PARTITIONS)):
            assert time.monotonic() < deadline, f"no acknowledged write after healing: {w.errors[-5:]}, fatal {fatal}"
            time.sleep(0.05)
        t_end = time.monotonic()
    finally:
        if "w" in locals():
            w.stop.set()
            w.thread.join(150)
        if "reader" in locals():
            reader.stop.set()
            reader.thread.join(30)
        try:
            if c.root_ns is not None and "t_end" in locals():
                final = drain(c.bootstrap, TOPIC, PARTITIONS)
        finally:
            c.down()
    assert not fatal, f"the idempotent producer hit a fatal error: {fatal}"
    report = history_checker.check(w.history, final)
    gap, gap_part, gap_at = longest_gap(w.acked_at, t_start, t_end)
    kinds = dict(Counter(kind for _, kind, _, _ in schedule))
    print(f"nemesis: {len(schedule)} faults {kinds}; {report.summary()}; reader polled {reader.read} records")
    print(f"nemesis: longest unavailability {gap:.2f} s (partition {gap_part}, from {gap_at - t_start:.1f} s); "
          f"every ISR back to 3 {isr_healed:.1f} s after the last fault")
    print(f"nemesis: schedule (t, kind, node, seconds): {schedule}")
    no_offset = sorted(s.completed - t_start for s in w.history.sends.values() if s.outcome == "ok" and s.offset < 0)
    if no_offset:
        print(f"nemesis: {len(no_offset)} sends acknowledged without an offset, at (s): "
              f"{[round(t, 1) for t in no_offset[:20]]}")
    unresolved = sum(1 for s in w.history.sends.values() if s.outcome != "ok")
    print(f"nemesis: sends not acknowledged (timed out or failed): {unresolved}; producer errors {w.errors[:5]}; "
          f"reader errors {reader.errors[:5]}")
    assert report.acked > 0 and reader.read > 0
    assert report.failures(duplicates_allowed=not idempotent) == {}, (report.summary(), dict(report.examples), schedule)
