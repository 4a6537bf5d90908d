"""kafka-python 2.0.2 (pure Python client) against gregor: 100,000 records per codec produced and
consumed with kafka-python and checked byte for byte; its admin client; offsets_for_times.

kafka-python needs Python modules for snappy, lz4 and zstd: Debian's python3-snappy,
python3-lz4 and python3-zstandard (scripts/setup.sh --test installs them)."""
import importlib
import time

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import (ConfigResource, ConfigResourceType, KafkaAdminClient, NewPartitions,
                         NewTopic)
from kafka.errors import TopicAlreadyExistsError

import itlib

CODEC_MODULES = {None: None, "gzip": None, "snappy": "snappy", "lz4": "lz4.frame",
                 "zstd": "zstandard"}
DEBIAN_PKG = {"snappy": "python3-snappy", "lz4": "python3-lz4", "zstd": "python3-zstandard"}


@pytest.fixture(scope="module")
def shared(module_broker_factory):
    return module_broker_factory()


def _need_codec(codec):
    mod = CODEC_MODULES[codec]
    if mod is None:
        return
    try:
        importlib.import_module(mod)
    except ImportError:
        pytest.fail(f"kafka-python needs the Python module {mod} for {codec}: install "
                    f"{DEBIAN_PKG[codec]} (scripts/setup.sh --test)", pytrace=False)


def kp_produce(bootstrap, topic, recs, compression, timeout=300.0):
    p = KafkaProducer(bootstrap_servers=bootstrap, acks="all", compression_type=compression,
                      linger_ms=10, batch_size=256 * 1024, max_request_size=4 * 1024 * 1024,
                      buffer_memory=128 * 1024 * 1024, request_timeout_ms=60000,
                      max_block_ms=60000, retries=0, client_id="gregor-it-kafka-python")
    try:
        futs = [p.send(topic, value=r.value, key=r.key, headers=r.headers,
                       partition=r.partition, timestamp_ms=r.ts) for r in recs]
        p.flush(timeout=timeout)
        where, errors = [], []
        for i, f in enumerate(futs):
            if not f.is_done:
                errors.append((i, "not done"))
            elif f.failed():
                errors.append((i, repr(f.exception)))
            else:
                md = f.value
                where.append((md.partition, md.offset))
                continue
            where.append(None)
            if len(errors) > 20:
                break
        assert not errors, f"kafka-python delivery errors (first 20): {errors[:20]}"
        return where
    finally:
        p.close(timeout=10)


def kp_consume(bootstrap, topic, counts, timeout=300.0, stall=30.0):
    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                      auto_offset_reset="none", check_crcs=True, fetch_max_wait_ms=100,
                      max_partition_fetch_bytes=4 * 1024 * 1024,
                      request_timeout_ms=40000, client_id="gregor-it-kafka-python")
    try:
        tps = [TopicPartition(topic, p) for p in counts]
        c.assign(tps)
        c.seek_to_beginning(*tps)
        out = {p: [] for p in counts}
        need, got = sum(counts.values()), 0
        deadline = time.monotonic() + timeout
        last = time.monotonic()
        while got < need:
            itlib.check_alive()
            now = time.monotonic()
            if now > deadline or now - last > stall:
                raise AssertionError(f"kafka-python consumed {({p: len(v) for p, v in out.items()})}"
                                     f" of {counts} before the deadline/stall limit")
            for tp, msgs in c.poll(timeout_ms=500, max_records=20000).items():
                for m in msgs:
                    out[tp.partition].append(itlib.Msg(tp.partition, m.offset, m.key, m.value,
                                                       m.headers, m.timestamp_type + 1,
                                                       m.timestamp))
                    got += 1
                if msgs:
                    last = time.monotonic()
        return out
    finally:
        c.close()


@pytest.mark.parametrize("codec", [None, "gzip", "snappy", "lz4", "zstd"])
def test_produce_consume_100k(shared, codec):
    _need_codec(codec)
    topic = f"kp-{codec or 'none'}"
    itlib.create_topic(shared.bootstrap, topic, 3)
    recs = itlib.gen_records(itlib.N_RECORDS, topic)
    t0 = time.monotonic()
    where = kp_produce(shared.bootstrap, topic, recs, codec)
    t1 = time.monotonic()
    per = itlib.expected_layout(recs, where)
    counts = {p: len(v) for p, v in per.items()}
    consumed = kp_consume(shared.bootstrap, topic, counts)
    t2 = time.monotonic()
    print(f"kafka-python {codec}: produce {t1 - t0:.1f}s, consume {t2 - t1:.1f}s")
    # kafka-python reports timestamp_type 0 for CreateTime; the checker wants librdkafka's 1.
    itlib.check_consumed(recs, consumed)


def test_offsets_for_times(shared):
    topic = "kp-times"
    itlib.create_topic(shared.bootstrap, topic, 3)
    recs = itlib.gen_records(5000, topic)
    where = kp_produce(shared.bootstrap, topic, recs, "gzip")
    per = itlib.expected_layout(recs, where)
    c = KafkaConsumer(bootstrap_servers=shared.bootstrap, group_id=None,
                      enable_auto_commit=False, request_timeout_ms=40000)
    try:
        tps = {p: TopicPartition(topic, p) for p in per}
        for t in (recs[0].ts - 1, recs[777].ts, recs[2500].ts + 1, recs[-1].ts,
                  recs[-1].ts + 1):
            got = c.offsets_for_times({tp: t for tp in tps.values()})
            for p, tp in tps.items():
                want = itlib.expected_offset_for_time(recs, per, p, t)
                ot = got.get(tp)
                if want == -1:
                    assert ot is None, f"offsets_for_times({t}) p{p}: {ot}, expected None"
                else:
                    assert ot is not None and ot.offset == want, \
                        f"offsets_for_times({t}) p{p}: {ot}, expected offset {want}"
                    assert ot.timestamp == recs[per[p][want]].ts
        assert c.beginning_offsets(list(tps.values())) == {tp: 0 for tp in tps.values()}
        assert c.end_offsets(list(tps.values())) == {tps[p]: len(v) for p, v in per.items()}
    finally:
        c.close()


def test_admin_client(shared):
    adm = KafkaAdminClient(bootstrap_servers=shared.bootstrap, request_timeout_ms=30000,
                           client_id="gregor-it-kafka-python")
    topic = "kp-admin"
    try:
        r = adm.create_topics([NewTopic(topic, 3, 1)], timeout_ms=20000, validate_only=True)
        assert [e[1] for e in r.topic_errors] == [0], r
        assert topic not in adm.list_topics()

        r = adm.create_topics([NewTopic(topic, 3, 1, topic_configs={
            "retention.ms": "7200000", "segment.bytes": "2097152"})], timeout_ms=20000)
        assert [(e[0], e[1]) for e in r.topic_errors] == [(topic, 0)], r
        itlib.wait_topic(shared.bootstrap, topic, 3)
        assert topic in adm.list_topics()

        with pytest.raises(TopicAlreadyExistsError):
            adm.create_topics([NewTopic(topic, 3, 1)], timeout_ms=20000)

        (resp,) = adm.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        (res,) = resp.resources
        assert res[0] == 0, res
        entries = {e[0]: e for e in res[4]}
        assert entries["retention.ms"][1] == "7200000"
        assert entries["segment.bytes"][1] == "2097152"
        assert "cleanup.policy" in entries and entries["cleanup.policy"][1] == "delete"

        r = adm.alter_configs([ConfigResource(ConfigResourceType.TOPIC, topic,
                                              configs={"retention.ms": "3600000"})])
        assert [e[0] for e in r.resources] == [0], r
        (resp,) = adm.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic,
                                                       configs={"retention.ms": None})])
        entries = {e[0]: e for e in resp.resources[0][4]}
        assert entries["retention.ms"][1] == "3600000", entries

        r = adm.create_partitions({topic: NewPartitions(6)}, timeout_ms=20000)
        assert [e[1] for e in r.topic_errors] == [0], r
        itlib.wait_topic(shared.bootstrap, topic, 6)

        r = adm.delete_topics([topic], timeout_ms=20000)
        assert [(t, e) for t, e in r.topic_error_codes] == [(topic, 0)], r
        itlib.wait_topic_absent(shared.bootstrap, topic)
        assert topic not in adm.list_topics()
    finally:
        adm.close()


def test_null_header_values_from_confluent(shared):
    """Null header values (which kafka-python cannot produce) written by librdkafka and read back
    by kafka-python, together with null and empty record values."""
    topic = "kp-null-headers"
    itlib.create_topic(shared.bootstrap, topic, 3)
    recs = itlib.gen_records(20_000, topic, null_header_values=True)
    assert any(r.headers[1][1] is None for r in recs)
    where = itlib.confluent_produce(shared.bootstrap, topic, recs, {"compression.type": "gzip"})
    per = itlib.expected_layout(recs, where)
    consumed = kp_consume(shared.bootstrap, topic, {p: len(v) for p, v in per.items()})
    itlib.check_consumed(recs, consumed)
