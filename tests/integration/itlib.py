"""Shared helpers: deterministic record sets, confluent-kafka admin/produce/consume helpers,
and the byte-for-byte checker used by the client compatibility tests."""
import concurrent.futures
import os
import random
import subprocess
import time
from collections import namedtuple
from pathlib import Path

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

REPO = Path(__file__).resolve().parents[2]
GREGOR_BIN = os.environ.get("GREGOR_BIN") or str(REPO / "build" / "gregor")

Rec = namedtuple("Rec", "key value headers ts partition")

N_RECORDS = 100_000


def now_ms():
    return int(time.time() * 1000)


# Callables that raise if a broker the test relies on has died (conftest registers one), so
# that long waits stop at once instead of running into their timeouts.
LIVENESS_CHECKS = []


def check_alive():
    for check in LIVENESS_CHECKS:
        check()


def gen_records(n, tag, partitions=3, seed=0, null_values=True, null_header_values=False,
                base_ts=None):
    """n records with unique keys, values of varied sizes (empty, null, binary, compressible
    text, runs of zeros, and every 997th one 20-60 KB), exactly two headers each and strictly
    increasing explicit timestamps (an hour in the past, so retention never touches them).
    Partition is chosen at random (seeded), so the per-partition sequences are irregular.

    null_header_values: make every 13th record's second header value null. Only for records
    that confluent-kafka does not consume: confluent-kafka 1.7's consumer mis-counts references
    to None for null header values and the interpreter aborts later ("none_dealloc")."""
    rng = random.Random(f"{tag}/{seed}")
    if base_ts is None:
        base_ts = now_ms() - 3_600_000
    out = []
    tb = tag.encode()
    for i in range(n):
        key = b"%s-%07d" % (tb, i)
        m = i % 10
        if i % 997 == 500:
            value = rng.randbytes(rng.randint(20_000, 60_000))
        elif m == 0:
            value = b""
        elif m == 1:
            value = None if null_values else b"\x00"
        elif m == 2:
            value = rng.randbytes(rng.randint(1, 64))
        elif m == 3:
            value = bytes(rng.randint(0, 2000))
        elif m == 4:
            value = rng.randbytes(rng.randint(100, 600))
        else:
            value = (b"value-%d-\xe2\x82\xac-" % i) * rng.randint(1, 12)
        h2 = None if (null_header_values and i % 13 == 0) else rng.randbytes(rng.randint(0, 16))
        headers = [("seq", b"%d" % i), ("bin", h2)]
        out.append(Rec(key, value, headers, base_ts + i, rng.randrange(partitions)))
    return out


def short(b, n=40):
    if b is None:
        return "None"
    return repr(b[:n]) + (f"...({len(b)} bytes)" if len(b) > n else "")


def run_checked(cmd, timeout, input=None, cwd=None, env=None):
    """subprocess.run(cmd) with stdout/stderr captured, that also stops (killing the child) as
    soon as a broker dies. Returns (returncode, stdout bytes, stderr bytes)."""
    p = subprocess.Popen([str(c) for c in cmd], stdin=subprocess.PIPE if input is not None
                         else subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         cwd=cwd, env=env)
    deadline = time.monotonic() + timeout
    try:
        first = True
        while True:
            try:
                out, err = p.communicate(input=input if first else None, timeout=1.0)
                return p.returncode, out, err
            except subprocess.TimeoutExpired:
                first = False
                check_alive()
                if time.monotonic() > deadline:
                    raise AssertionError(f"{' '.join(map(str, cmd))} still running after "
                                         f"{timeout}s") from None
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()


# --- admin -----------------------------------------------------------------------------------
def admin(bootstrap):
    return AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": 10000})


def wait_topic(bootstrap, topic, partitions, timeout=30.0, adm=None):
    """Waits until metadata lists the topic with `partitions` partitions, each with a leader."""
    adm = adm or admin(bootstrap)
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        check_alive()
        try:
            md = adm.list_topics(timeout=5)
            t = md.topics.get(topic)
            if t is not None and t.error is None and len(t.partitions) == partitions and all(
                    p.leader >= 0 and p.error is None for p in t.partitions.values()):
                return md
            last = None if t is None else (t.error, {i: (p.leader, p.error)
                                                     for i, p in t.partitions.items()})
        except KafkaException as e:
            last = e
        time.sleep(0.1)
    raise AssertionError(f"topic {topic} not ready with {partitions} partitions within "
                         f"{timeout}s (last: {last})")


def wait_topic_absent(bootstrap, topic, timeout=30.0, adm=None):
    adm = adm or admin(bootstrap)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        check_alive()
        if topic not in adm.list_topics(timeout=5).topics:
            return
        time.sleep(0.1)
    raise AssertionError(f"topic {topic} still listed {timeout}s after deletion")


def create_topic(bootstrap, topic, partitions=3, config=None, timeout=30.0):
    adm = admin(bootstrap)
    fs = adm.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1,
                                     config=config or {})],
                           request_timeout=timeout, operation_timeout=timeout)
    result(fs[topic], timeout + 5)
    wait_topic(bootstrap, topic, partitions, timeout, adm)


def result(future, timeout):
    """future.result(timeout), checking every second that the brokers are alive."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return future.result(timeout=1.0)
        except concurrent.futures.TimeoutError:
            check_alive()
            if time.monotonic() > deadline:
                raise


# --- produce ---------------------------------------------------------------------------------
def confluent_produce(bootstrap, topic, recs, conf=None, timeout=180.0):
    """Produces recs with confluent-kafka (explicit partition, headers and timestamp) and
    returns, per record index, the (partition, offset) of its delivery report. Fails on any
    delivery error. Also returns the per-partition order in which delivery reports arrived."""
    c = {"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5,
         "batch.num.messages": 10000, "queue.buffering.max.messages": 500000,
         "queue.buffering.max.kbytes": 2097151, "message.timeout.ms": 120000,
         "socket.timeout.ms": 30000}
    c.update(conf or {})
    p = Producer(c)
    index = {r.key: i for i, r in enumerate(recs)}
    where = [None] * len(recs)
    errors = []

    def on_delivery(err, msg):
        i = index[msg.key()]
        if err is not None:
            if len(errors) < 20:
                errors.append((i, err))
        else:
            where[i] = (msg.partition(), msg.offset())

    deadline = time.monotonic() + timeout
    for r in recs:
        while True:
            try:
                p.produce(topic, value=r.value, key=r.key, partition=r.partition,
                          headers=r.headers, timestamp=r.ts, on_delivery=on_delivery)
                break
            except BufferError:
                p.poll(0.05)
                check_alive()
                if time.monotonic() > deadline:
                    raise AssertionError("producer queue stayed full until the deadline")
        p.poll(0)
    while True:
        left = p.flush(1.0)
        if left == 0 or time.monotonic() > deadline:
            break
        check_alive()
    assert left == 0, f"{left} records still undelivered after {timeout}s; errors: {errors}"
    assert not errors, f"delivery errors (first 20): {errors}"
    missing = [i for i, w in enumerate(where) if w is None]
    assert not missing, f"{len(missing)} records had no delivery report, e.g. {missing[:10]}"
    return where


# --- consume ---------------------------------------------------------------------------------
Msg = namedtuple("Msg", "partition offset key value headers ts_type ts")


def confluent_consume(bootstrap, topic, counts, timeout=180.0, stall=30.0, start=None):
    """Consumes partitions {p: n} from the beginning (or from start[p]) with assign() and no
    group coordination, until n records were read from each. Returns {p: [Msg]}."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "gregor-it-unused",
                  "enable.auto.commit": False, "enable.auto.offset.store": False,
                  "enable.partition.eof": False, "check.crcs": True,
                  "fetch.wait.max.ms": 100, "socket.timeout.ms": 30000,
                  "api.version.request": True})
    out = {p: [] for p in counts}
    errors = []
    try:
        c.assign([TopicPartition(topic, p, (start or {}).get(p, -2)) for p in counts])
        need = sum(counts.values())
        got = 0
        deadline = time.monotonic() + timeout
        last_progress = time.monotonic()
        while got < need:
            check_alive()
            now = time.monotonic()
            if now > deadline or now - last_progress > stall:
                have = {p: len(v) for p, v in out.items()}
                raise AssertionError(f"consumed {have} of {counts} from {topic} before the "
                                     f"deadline/stall limit; errors: {errors[:10]}")
            for m in c.consume(num_messages=10000, timeout=0.5):
                e = m.error()
                if e is not None:
                    if e.fatal():
                        raise AssertionError(f"fatal consumer error: {e}")
                    if e.code() != KafkaError._PARTITION_EOF and len(errors) < 50:
                        errors.append(str(e))
                    continue
                p = m.partition()
                if p in out:
                    ts_type, ts = m.timestamp()
                    out[p].append(Msg(p, m.offset(), m.key(), m.value(), m.headers(),
                                      ts_type, ts))
                    got += 1
                    last_progress = time.monotonic()
        return out
    finally:
        c.close()


def watermarks(bootstrap, topic, partitions, timeout=30.0):
    """{p: (low, high)} via ListOffsets; retries errors (e.g. right after a restart) until
    the timeout."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "gregor-it-unused",
                  "enable.auto.commit": False})
    deadline = time.monotonic() + timeout
    try:
        out = {}
        for p in partitions:
            while True:
                try:
                    r = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
                    if r is not None:
                        out[p] = tuple(r)
                        break
                    err = "timed out"
                except KafkaException as e:
                    err = e
                check_alive()
                if time.monotonic() > deadline:
                    raise AssertionError(f"watermarks of {topic}-{p}: {err}")
                time.sleep(0.2)
        return out
    finally:
        c.close()


# --- checking --------------------------------------------------------------------------------
def expected_layout(recs, where=None, start=None):
    """Per partition, the record indexes in production order. If `where` (delivery reports)
    is given, checks that each partition's offsets are contiguous from start[p] (default 0)
    and rise in production order."""
    per = {}
    for i, r in enumerate(recs):
        per.setdefault(r.partition, []).append(i)
    if where is not None:
        for p, idxs in per.items():
            base = (start or {}).get(p, 0)
            offs = [where[i] for i in idxs]
            bad = [(idxs[j], offs[j]) for j in range(len(idxs)) if offs[j] != (p, base + j)]
            assert not bad, (f"partition {p}: delivery reports are not the contiguous offsets "
                             f"{base}.. in production order; first mismatches "
                             f"(record index, (partition, offset)): {bad[:10]}")
    return per


def norm_headers(h):
    return [(k, v) for k, v in (h or [])]


def check_consumed(recs, consumed, start=None, header_norm=norm_headers):
    """consumed: {p: [Msg]} as from confluent_consume. Every record byte for byte, in order,
    at contiguous offsets."""
    per = expected_layout(recs)
    problems = []
    for p, idxs in sorted(per.items()):
        msgs = consumed.get(p, [])
        base = (start or {}).get(p, 0)
        if len(msgs) != len(idxs):
            problems.append(f"partition {p}: consumed {len(msgs)} records, produced {len(idxs)}")
        for j, (i, m) in enumerate(zip(idxs, msgs)):
            r = recs[i]
            what = []
            if m.offset != base + j:
                what.append(f"offset {m.offset} != {base + j}")
            if m.key != r.key:
                what.append(f"key {short(m.key)} != {short(r.key)}")
            if m.value != r.value:
                what.append(f"value {short(m.value)} != {short(r.value)}")
            if header_norm(m.headers) != header_norm(r.headers):
                what.append(f"headers {m.headers!r} != {r.headers!r}")
            if m.ts != r.ts or m.ts_type != 1:
                what.append(f"timestamp ({m.ts_type}, {m.ts}) != (CreateTime=1, {r.ts})")
            if what:
                problems.append(f"partition {p} position {j} (record {i}): " + "; ".join(what))
            if len(problems) >= 15:
                break
        if len(problems) >= 15:
            break
    assert not problems, "consumed records differ from produced:\n  " + "\n  ".join(problems)


def expected_offset_for_time(recs, per, p, t):
    """First offset in partition p whose timestamp >= t, or -1 (offsets start at 0)."""
    for j, i in enumerate(per[p]):
        if recs[i].ts >= t:
            return j
    return -1
