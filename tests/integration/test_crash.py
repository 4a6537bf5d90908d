"""Crash and storage tests (RELIABILITY.md T3, scaled down to fit the suite's time budget):
kill -9 during an acks=all produce stream, torn/corrupted tails of the last segment, and a clean
SIGTERM restart."""
import random
import shutil
import time

from confluent_kafka import Producer

import itlib
import kwire


def _segment_report(broker, topic, partitions):
    """Walks every .log segment of the topic: all batches must pass CRC, be magic 2, and the
    offsets must be contiguous across segments. Returns {p: next offset}."""
    ends = {}
    for p in partitions:
        expect = 0
        for seg in broker.segments(topic, p):
            data = seg.read_bytes()
            batches, end = kwire.scan_segment(data)
            assert end == len(data), (f"{seg}: {len(data) - end} trailing bytes after the last "
                                      f"complete batch")
            base = int(seg.name.split(".")[0])
            assert not batches or batches[0]["base_offset"] == base, \
                f"{seg}: first batch at offset {batches[0]['base_offset']}, file name says {base}"
            for b in batches:
                assert b["magic"] == 2 and b["crc_ok"], f"{seg}: bad batch {b}"
                assert b["base_offset"] == expect, \
                    f"{seg}: batch at offset {b['base_offset']}, expected {expect}"
                expect = b["last_offset"] + 1
        ends[p] = expect
    return ends


def _consume_all(broker, topic, partitions):
    itlib.wait_topic(broker.bootstrap, topic, len(partitions))
    wm = itlib.watermarks(broker.bootstrap, topic, partitions)
    for p, (lo, hi) in wm.items():
        assert lo == 0, f"partition {p}: log start offset {lo}"
    got = itlib.confluent_consume(broker.bootstrap, topic, {p: hi for p, (lo, hi) in wm.items()})
    return wm, got


def test_kill9_during_acks_all_produce(broker_factory):
    """Several cycles of: stream acks=all records, kill -9 the broker mid-stream, restart on the
    same data dir. Every acknowledged record must be there, at its acknowledged offset, in
    order; nothing unknown or duplicated; all segments valid."""
    b = broker_factory()
    topic = "crash-stream"
    parts = [0, 1, 2]
    itlib.create_topic(b.bootstrap, topic, 3)
    rng = random.Random(7)
    acked = {}  # value -> (partition, offset)
    sent = {}   # value -> partition
    order = []  # values in send order

    for cycle in range(4):
        prod = Producer({"bootstrap.servers": b.bootstrap, "acks": "all", "linger.ms": 2,
                         "batch.num.messages": 200, "message.timeout.ms": 20000,
                         "retries": 0, "max.in.flight.requests.per.connection": 5})
        acks_this_cycle = [0]

        def on_delivery(err, msg):
            if err is None:
                acked[msg.value()] = (msg.partition(), msg.offset())
                acks_this_cycle[0] += 1

        target = rng.randint(3000, 8000)
        deadline = time.monotonic() + 60
        seq = 0
        killed = False
        while True:
            v = b"c%d-%07d" % (cycle, seq)
            seq += 1
            p = rng.choice(parts)
            try:
                prod.produce(topic, value=v, partition=p, on_delivery=on_delivery)
            except BufferError:
                prod.poll(0.01)
                continue
            sent[v] = p
            order.append(v)
            prod.poll(0)
            if not killed and acks_this_cycle[0] >= target:
                b.kill()   # kill -9 with requests in flight
                killed = True
                post_kill = seq + 500
            if killed and seq >= post_kill:
                break
            assert time.monotonic() < deadline, \
                f"cycle {cycle}: only {acks_this_cycle[0]} acks in 60 s (target {target})"
        prod.purge(in_queue=True, in_flight=True)
        prod.flush(15)
        b.start()

    # The broker is up again after the last kill: read everything back.
    wm, got = _consume_all(b, topic, parts)
    problems = []
    at = {}
    for p in parts:
        offs = [m.offset for m in got[p]]
        if offs != list(range(wm[p][1])):
            problems.append(f"partition {p}: consumed offsets are not 0..{wm[p][1] - 1}")
        for m in got[p]:
            at[(p, m.offset)] = m.value
    values = list(at.values())
    if len(set(values)) != len(values):
        problems.append(f"{len(values) - len(set(values))} duplicated values in the log")
    unknown = [v for v in values if v not in sent]
    if unknown:
        problems.append(f"{len(unknown)} values never sent, e.g. {unknown[:3]}")
    lost = [(v, pos) for v, pos in acked.items() if at.get(pos) != v]
    if lost:
        problems.append(f"{len(lost)} of {len(acked)} acknowledged records missing or moved, "
                        f"e.g. {[(v, pos, at.get(pos)) for v, pos in lost[:5]]}")
    # Per partition, records appear in send order.
    rank = {v: i for i, v in enumerate(order)}
    for p in parts:
        ranks = [rank[m.value] for m in got[p] if m.value in rank]
        if ranks != sorted(ranks):
            problems.append(f"partition {p}: records out of send order")
    assert not problems, "\n".join(problems)
    assert len(acked) > 10000
    print(f"{len(acked)} acknowledged of {len(sent)} sent; log holds {wm}")

    b.stop()
    ends = _segment_report(b, topic, parts)
    assert ends == {p: wm[p][1] for p in parts}, f"segments end at {ends}, watermarks {wm}"


def _produce_small_batches(bootstrap, topic, n, value_size=300):
    recs = [itlib.Rec(b"k%06d" % i, (b"%06d-" % i) * (value_size // 7), [], itlib.now_ms(), 0)
            for i in range(n)]
    itlib.confluent_produce(bootstrap, topic, recs, {"linger.ms": 1, "batch.num.messages": 23,
                                                     "compression.type": "none"})
    return recs


def test_torn_tail_recovery(broker_factory):
    """Crash (kill -9), then cut random amounts off the end of the last segment, or flip a byte
    in its last batch, and restart: the broker must serve exactly the complete, valid batches
    before the damage, and append new records right after them."""
    b = broker_factory({"log.segment.bytes": 1048576})
    topic = "torn"
    itlib.create_topic(b.bootstrap, topic, 1)
    recs = _produce_small_batches(b.bootstrap, topic, 6000)
    b.kill()
    segs = b.segments(topic, 0)
    assert len(segs) >= 2, f"expected several 1 MiB segments, got {segs}"
    last = segs[-1]
    records_before_last = int(last.name.split(".")[0])
    data = last.read_bytes()
    batches, end = kwire.scan_segment(data)
    assert end == len(data) and batches, "the last segment is not a clean run of batches"
    pristine = b.workdir / "pristine"
    shutil.copytree(b.data_dir, pristine)

    rng = random.Random(20240611)
    size = len(data)
    cases = [("cut", 1), ("cut", 13), ("cut", batches[-1]["size"]),
             ("cut", batches[-1]["size"] + 1)]
    cases += [("cut", rng.randint(2, min(size, 65536))) for _ in range(3)]
    cases += [("flip", None)]
    for kind, n in cases:
        shutil.rmtree(b.data_dir)
        shutil.copytree(pristine, b.data_dir)
        if kind == "cut":
            with open(last, "r+b") as f:
                f.truncate(size - n)
            keep = [x for x in batches if x["pos"] + x["size"] <= size - n]
            what = f"cut {n} bytes"
        else:
            lb = batches[-1]
            pos = rng.randrange(lb["pos"] + 21, lb["pos"] + lb["size"])
            with open(last, "r+b") as f:
                f.seek(pos)
                byte = f.read(1)[0]
                f.seek(pos)
                f.write(bytes([byte ^ 0x5A]))
            keep = batches[:-1]
            what = f"flipped byte {pos} of the last batch"
        want = records_before_last + sum(x["count"] for x in keep)
        print(f"{what}: expecting {want} of {len(recs)} records")
        b.start()
        wm, got = _consume_all(b, topic, [0])
        assert wm[0][1] == want, f"{what}: high watermark {wm[0][1]}, expected {want}"
        vals = [m.value for m in got[0]]
        assert vals == [r.value for r in recs[:want]], f"{what}: served log is not the prefix"
        where = itlib.confluent_produce(b.bootstrap, topic,
                                        [itlib.Rec(b"after", b"after-" + what.encode(), [],
                                                   itlib.now_ms(), 0)])
        assert where == [(0, want)], f"{what}: next append at {where}, expected offset {want}"
        b.kill()


def test_clean_shutdown_restart(broker_factory):
    """SIGTERM: exit code 0, checkpoints written (recovery point = log end), data intact after
    restart, and the restarted broker appends after it."""
    b = broker_factory()
    topic = "clean"
    itlib.create_topic(b.bootstrap, topic, 3)
    recs = itlib.gen_records(20_000, topic)
    where = itlib.confluent_produce(b.bootstrap, topic, recs, {"compression.type": "zstd"})
    per = itlib.expected_layout(recs, where)
    counts = {p: len(v) for p, v in per.items()}

    rc = b.stop()
    assert rc == 0, f"exit code {rc} after SIGTERM\n{b.tail()}"
    cp = b.data_dir / "recovery-point-offset-checkpoint"
    assert cp.is_file(), f"no {cp.name} after a clean shutdown: " \
                         f"{sorted(p.name for p in b.data_dir.iterdir())}"
    lines = cp.read_text().split("\n")
    assert lines[0] == "0", f"{cp.name}: version line {lines[0]!r}"
    entries = {}
    for line in lines[2:2 + int(lines[1])]:
        t, p, o = line.split(" ")
        entries[(t, int(p))] = int(o)
    for p, n in counts.items():
        assert entries.get((topic, p)) == n, \
            f"recovery point of {topic}-{p} is {entries.get((topic, p))}, log end is {n}"
    assert _segment_report(b, topic, counts) == counts

    b.start()
    # gregor logs "<partition dir>: recovered N segment(s) ..." when it had to scan a log.
    rescanned = [line for line in b.log_text(current_run_only=True).splitlines()
                 if "recovered" in line and f"/{topic}-" in line]
    assert not rescanned, "restart after a clean shutdown recovered logs:\n" + "\n".join(rescanned)
    consumed = itlib.confluent_consume(b.bootstrap, topic, counts)
    itlib.check_consumed(recs, consumed)
    more = itlib.gen_records(3000, topic + "-more")
    where2 = itlib.confluent_produce(b.bootstrap, topic, more)
    itlib.expected_layout(more, where2, start=counts)
    rc = b.stop()
    assert rc == 0, f"exit code {rc} after the second SIGTERM"
