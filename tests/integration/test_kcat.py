"""kcat (librdkafka's command line client) against gregor: keyed records with headers produced
with -P, consumed back byte for byte with -C, metadata with -L, offsets for times with -Q."""
import json
import re
import shutil

import pytest

import itlib

KCAT = shutil.which("kcat") or "/usr/bin/kcat"


def kcat(*args, input=None, timeout=120):
    rc, out, err = itlib.run_checked([KCAT, *args], timeout, input=input)
    if rc != 0:
        raise AssertionError(f"kcat {' '.join(args)} exited {rc}\n--- stderr ---\n"
                             f"{err.decode(errors='replace')[-4000:]}")
    return out, err.decode(errors="replace")


@pytest.fixture(scope="module")
def shared(module_broker_factory):
    return module_broker_factory()


# %p %o %T %K %S then key bytes, payload bytes and headers, each on its own line: the lengths make
# the parse byte exact whatever the payload holds.
FMT = r"%p %o %T %K %S\n%k\n%s\n%h\n"


def parse_consumed(out):
    msgs = []
    pos = 0
    while pos < len(out):
        nl = out.index(b"\n", pos)
        p, o, t, klen, slen = (int(x) for x in out[pos:nl].split())
        pos = nl + 1
        key = out[pos:pos + max(klen, 0)] if klen >= 0 else None
        pos += max(klen, 0)
        assert out[pos:pos + 1] == b"\n", f"bad framing after key at {pos}"
        pos += 1
        val = out[pos:pos + max(slen, 0)] if slen >= 0 else None
        pos += max(slen, 0)
        assert out[pos:pos + 1] == b"\n", f"bad framing after payload at {pos}"
        pos += 1
        nl = out.index(b"\n", pos)
        headers = out[pos:nl].decode()
        pos = nl + 1
        msgs.append(dict(partition=p, offset=o, ts=t, key=key, value=val, headers=headers))
    return msgs


def make_lines(n):
    """(key, value) pairs without the ':' key delimiter in keys and no newlines anywhere;
    values hold ':' (only the first ':' splits), tabs, UTF-8 and bytes >= 0x80."""
    out = []
    for i in range(n):
        key = b"key-%05d" % i
        value = (b"value %d: \xc3\xa9t\xc3\xa9\t\xf0\x9f\x90\xa2 :: " % i) * (1 + i % 7)
        value += bytes(range(0x80, 0x80 + i % 100))
        out.append((key, value))
    return out


@pytest.mark.parametrize("codec", ["none", "gzip", "snappy", "lz4", "zstd"])
def test_produce_consume_keys_headers(shared, codec):
    """100,000 keyed records with headers per codec, produced with kcat -P and read back with
    kcat -C byte for byte, in order, with the CreateTime timestamps kcat's producer stamped."""
    topic = f"kcat-keyed-{codec}"
    itlib.create_topic(shared.bootstrap, topic, 1)
    lines = make_lines(itlib.N_RECORDS)
    data = b"".join(k + b":" + v + b"\n" for k, v in lines)
    t0 = itlib.now_ms()
    kcat("-P", "-b", shared.bootstrap, "-t", topic, "-p", "0", "-K:", "-H", "source=kcat",
         "-H", "run=it-1", "-z", codec, "-X", "acks=all", input=data)
    t1 = itlib.now_ms()

    out, _ = kcat("-C", "-b", shared.bootstrap, "-t", topic, "-p", "0", "-o", "beginning",
                  "-e", "-f", FMT)
    msgs = parse_consumed(out)
    assert len(msgs) == len(lines), f"consumed {len(msgs)} of {len(lines)}"
    for j, (m, (k, v)) in enumerate(zip(msgs, lines)):
        assert m["offset"] == j, f"record {j} at offset {m['offset']}"
        assert m["key"] == k, f"record {j}: key {m['key']!r} != {k!r}"
        assert m["value"] == v, f"record {j}: value {m['value'][:60]!r} != {v[:60]!r}"
        assert m["headers"] == "source=kcat,run=it-1", f"record {j}: headers {m['headers']!r}"
        assert t0 - 1000 <= m["ts"] <= t1 + 1000, f"record {j}: timestamp {m['ts']} outside the run"
    if codec != "snappy":
        return

    # The same through the JSON envelope: topic, partition, offsets and header pairs.
    out, _ = kcat("-C", "-b", shared.bootstrap, "-t", topic, "-p", "0", "-o", "-5", "-e", "-J")
    # Payloads hold bytes that are not UTF-8, which kcat passes through unescaped.
    js = [json.loads(line.decode("utf-8", "surrogateescape"))
          for line in out.splitlines() if line.strip()]
    assert [j["offset"] for j in js] == list(range(len(lines) - 5, len(lines))), js
    for j in js:
        assert j["topic"] == topic and j["partition"] == 0 and j["tstype"] == "create"
        assert j["key"] == lines[j["offset"]][0].decode()
        assert j["headers"] == ["source", "kcat", "run", "it-1"], j["headers"]


def test_three_partitions_and_offsets(shared):
    topic = "kcat-parts"
    itlib.create_topic(shared.bootstrap, topic, 3)
    lines = make_lines(900)
    for p in range(3):
        part = lines[p::3]
        data = b"".join(k + b":" + v + b"\n" for k, v in part)
        kcat("-P", "-b", shared.bootstrap, "-t", topic, "-p", str(p), "-K:", input=data)
    out, _ = kcat("-C", "-b", shared.bootstrap, "-t", topic, "-o", "beginning", "-e", "-f", FMT)
    msgs = parse_consumed(out)
    assert len(msgs) == 900
    for p in range(3):
        got = [(m["offset"], m["key"], m["value"]) for m in msgs if m["partition"] == p]
        want = [(j, k, v) for j, (k, v) in enumerate(lines[p::3])]
        assert got == want, f"partition {p} differs"

    # Start at an absolute offset, and at a relative one from the end.
    out, _ = kcat("-C", "-b", shared.bootstrap, "-t", topic, "-p", "1", "-o", "250", "-e",
                  "-f", FMT)
    assert [m["offset"] for m in parse_consumed(out)] == list(range(250, 300))
    out, _ = kcat("-C", "-b", shared.bootstrap, "-t", topic, "-p", "2", "-o", "-10", "-e",
                  "-f", FMT)
    assert [m["offset"] for m in parse_consumed(out)] == list(range(290, 300))


def test_metadata_list(shared):
    topic = "kcat-meta"
    itlib.create_topic(shared.bootstrap, topic, 4)
    out, _ = kcat("-L", "-b", shared.bootstrap, "-J")
    md = json.loads(out)
    assert [b["id"] for b in md["brokers"]] == [1], md["brokers"]
    assert md["brokers"][0]["name"] == shared.bootstrap, md["brokers"]
    topics = {t["topic"]: t for t in md["topics"]}
    assert topic in topics, sorted(topics)
    parts = sorted(topics[topic]["partitions"], key=lambda p: p["partition"])
    assert [p["partition"] for p in parts] == [0, 1, 2, 3]
    for p in parts:
        assert p["leader"] == 1 and [r["id"] for r in p["replicas"]] == [1] \
            and [r["id"] for r in p["isrs"]] == [1], p

    out, _ = kcat("-L", "-b", shared.bootstrap, "-t", topic)
    text = out.decode()
    assert f'topic "{topic}" with 4 partitions' in text, text
    assert "broker 1 at 127.0.0.1:%d" % shared.port in text, text


def test_query_offsets_for_times(shared):
    topic = "kcat-times"
    itlib.create_topic(shared.bootstrap, topic, 1)
    base = itlib.now_ms() - 100_000
    # kcat -P cannot set timestamps, so write with confluent-kafka and query with kcat -Q.
    recs = [itlib.Rec(b"k%d" % i, b"v%d" % i, [], base + 10 * i, 0) for i in range(500)]
    itlib.confluent_produce(shared.bootstrap, topic, recs, {"linger.ms": 0,
                                                             "batch.num.messages": 37})

    def query(ts):
        out, _ = kcat("-Q", "-b", shared.bootstrap, "-t", f"{topic}:0:{ts}")
        m = re.search(rb"\[0\]\s+offset\s+(-?\d+)", out)
        assert m, f"unexpected kcat -Q output: {out!r}"
        return int(m.group(1))

    assert query(base - 1) == 0
    assert query(base) == 0
    assert query(base + 1) == 1
    assert query(base + 10 * 123) == 123
    assert query(base + 10 * 123 + 5) == 124
    assert query(base + 10 * 499) == 499
    assert query(base + 10 * 499 + 1) == -1

    # The consumer side of the same thing: -o s@TS starts at that offset.
    out, _ = kcat("-C", "-b", shared.bootstrap, "-t", topic, "-p", "0",
                  "-o", f"s@{base + 10 * 490}", "-e", "-f", FMT)
    assert [m["offset"] for m in parse_consumed(out)] == list(range(490, 500))
