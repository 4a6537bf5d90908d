"""kafkajs (Node.js) against gregor. kafkajs produces (tests/node/produce.js) 100,000 records per
codec and confluent-kafka reads them back and checks them byte for byte; kafkajs's admin client
(tests/node/admin.js), including ListOffsets by timestamp. kafkajs consumes through a consumer
group (tests/node/group_consume.js) and checks the same records byte for byte."""
import base64
import json
import os
import shutil
from pathlib import Path

import pytest

import itlib

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]


def _b64(b):
    return None if b is None else base64.b64encode(b).decode()


def run_node(script, *args, timeout=300):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed (scripts/setup.sh --test installs nodejs)", pytrace=False)
    if not (NODE_DIR / "node_modules" / "kafkajs").is_dir():
        pytest.fail(f"kafkajs is not installed in {NODE_DIR}: run scripts/setup.sh --test "
                    f"(npm ci there)", pytrace=False)
    env = dict(os.environ, KAFKAJS_NO_PARTITIONER_WARNING="1")
    rc, out, err = itlib.run_checked([node, script, *args], timeout, cwd=NODE_DIR, env=env)
    if rc != 0:
        raise AssertionError(f"node {script} {' '.join(map(str, args))} exited "
                             f"{rc}\n--- stdout ---\n{out.decode()[-3000:]}\n"
                             f"--- stderr ---\n{err.decode()[-6000:]}")
    return out.decode()


@pytest.fixture(scope="module")
def shared(module_broker_factory):
    return module_broker_factory()


def write_records(path, recs):
    with open(path, "w") as f:
        for r in recs:
            f.write(json.dumps([_b64(r.key), _b64(r.value), [[k, _b64(v)] for k, v in r.headers],
                                r.ts, r.partition]))
            f.write("\n")


def where_from_results(recs, result):
    """Per-record (partition, offset) from produce.js's per-send base offsets."""
    chunk = result["chunk"]
    assert result["count"] == len(recs)
    assert len(result["results"]) == (len(recs) + chunk - 1) // chunk
    where = [None] * len(recs)
    for c, res in enumerate(result["results"]):
        base = {}
        for r in res:
            assert r["errorCode"] == 0, f"send {c}: {r}"
            base[r["partition"]] = r["baseOffset"]
        seen = {}
        for i in range(c * chunk, min(len(recs), (c + 1) * chunk)):
            p = recs[i].partition
            assert p in base, f"send {c} has no result for partition {p}: {res}"
            where[i] = (p, base[p] + seen.get(p, 0))
            seen[p] = seen.get(p, 0) + 1
    return where


def produce_with_kafkajs(tmp_path, bootstrap, topic, recs, codec):
    inp = tmp_path / f"{topic}.jsonl"
    out = tmp_path / f"{topic}.result.json"
    write_records(inp, recs)
    run_node("produce.js", bootstrap, topic, codec, inp, out)
    result = json.loads(out.read_text())
    print(f"kafkajs {codec}: produce {result['produce_ms'] / 1000:.1f}s")
    inp.unlink()
    return where_from_results(recs, result)


@pytest.mark.parametrize("codec", CODECS)
def test_kafkajs_produce_100k(shared, tmp_path, codec):
    topic = f"js-{codec}"
    itlib.create_topic(shared.bootstrap, topic, 3)
    recs = itlib.gen_records(itlib.N_RECORDS, topic)
    where = produce_with_kafkajs(tmp_path, shared.bootstrap, topic, recs, codec)
    per = itlib.expected_layout(recs, where)
    consumed = itlib.confluent_consume(shared.bootstrap, topic,
                                       {p: len(v) for p, v in per.items()})
    itlib.check_consumed(recs, consumed)
    # And kafkajs reads them back itself (through a consumer group), byte for byte.
    itlib.check_consumed(recs, consume_with_kafkajs(tmp_path, shared.bootstrap, topic, len(recs)))


def consume_with_kafkajs(tmp_path, bootstrap, topic, count, group=None):
    """{p: [Msg]} in offset order, read by tests/node/group_consume.js."""
    out = tmp_path / f"{topic}.consumed.json"
    run_node("group_consume.js", bootstrap, topic, group or f"gregor-it-{topic}", count, out,
             timeout=180)
    got = json.loads(out.read_text())
    out.unlink()
    by_p = {}
    for p, off, k, v, headers, ts in got:
        by_p.setdefault(p, []).append(itlib.Msg(
            p, off, None if k is None else base64.b64decode(k), None if v is None else base64.b64decode(v),
            [(hk, None if hv is None else base64.b64decode(hv)) for hk, hv in headers], 1, ts))
    for msgs in by_p.values():
        msgs.sort(key=lambda m: m.offset)
    return by_p


def test_kafkajs_list_offsets_by_timestamp(shared, tmp_path):
    topic = "js-times"
    itlib.create_topic(shared.bootstrap, topic, 3)
    recs = itlib.gen_records(3000, topic)
    where = produce_with_kafkajs(tmp_path, shared.bootstrap, topic, recs, "gzip")
    per = itlib.expected_layout(recs, where)
    probes = [recs[0].ts - 5, recs[1000].ts, recs[2222].ts + 1, recs[-1].ts, recs[-1].ts + 1]
    out = json.loads(run_node("admin.js", shared.bootstrap, "offsets", topic,
                              ",".join(map(str, probes))))
    for t in probes:
        got = {r["partition"]: int(r["offset"]) for r in out["times"][str(t)]}
        # kafkajs reports the high watermark where Kafka answers -1 (no such record).
        want = {p: (o if o >= 0 else len(per[p])) for p in per
                for o in [itlib.expected_offset_for_time(recs, per, p, t)]}
        assert got == want, f"fetchTopicOffsetsByTimestamp({t}): got {got}, expected {want}"
    hw = {r["partition"]: (int(r["low"]), int(r["high"])) for r in out["offsets"]}
    assert hw == {p: (0, len(v)) for p, v in per.items()}, hw


def test_kafkajs_admin(shared):
    report = json.loads(run_node("admin.js", shared.bootstrap, "scenario", "js-admin"))
    assert report["cluster"]["brokers"][0]["port"] == shared.port


def test_kafkajs_group_consumer(shared, tmp_path):
    topic = "js-group"
    itlib.create_topic(shared.bootstrap, topic, 3)
    recs = itlib.gen_records(20_000, topic)
    produce_with_kafkajs(tmp_path, shared.bootstrap, topic, recs, "lz4")
    itlib.check_consumed(recs, consume_with_kafkajs(tmp_path, shared.bootstrap, topic, len(recs),
                                                    "gregor-it-js-group"))
