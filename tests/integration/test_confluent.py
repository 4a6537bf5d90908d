"""confluent-kafka (librdkafka 2.0.2) against gregor: 100,000 records per codec checked byte for
byte, ListOffsets by time and max timestamp, the Admin API, and the idempotent producer."""
import time

import pytest
from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition
from confluent_kafka.admin import ConfigResource, NewPartitions, NewTopic

import itlib
import kwire

CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]


@pytest.fixture(scope="module")
def shared(module_broker_factory):
    return module_broker_factory()


def _offsets_for_times(bootstrap, topic, partitions, t):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "gregor-it-unused",
                  "enable.auto.commit": False})
    try:
        res = c.offsets_for_times([TopicPartition(topic, p, t) for p in partitions], timeout=15)
        out = {}
        for tp in res:
            assert tp.error is None, f"offsets_for_times({t}) partition {tp.partition}: {tp.error}"
            out[tp.partition] = tp.offset
        return out
    finally:
        c.close()


@pytest.mark.parametrize("codec,acks", [(c, "all") for c in CODECS] + [("none", "1")])
def test_produce_consume_100k(shared, codec, acks):
    topic = f"cf-{codec}-acks{acks}"
    itlib.create_topic(shared.bootstrap, topic, 3)
    recs = itlib.gen_records(itlib.N_RECORDS, topic)
    where = itlib.confluent_produce(shared.bootstrap, topic, recs,
                                    {"compression.type": codec, "acks": acks})
    per = itlib.expected_layout(recs, where)
    counts = {p: len(v) for p, v in per.items()}

    wm = itlib.watermarks(shared.bootstrap, topic, counts)
    assert wm == {p: (0, n) for p, n in counts.items()}, f"watermarks {wm}, expected 0..{counts}"

    consumed = itlib.confluent_consume(shared.bootstrap, topic, counts)
    itlib.check_consumed(recs, consumed)

    # ListOffsets by timestamp: the first offset whose timestamp is >= T.
    probes = [recs[0].ts - 10_000, recs[0].ts, recs[1234].ts, recs[50_000].ts + 1,
              recs[99_998].ts, recs[-1].ts, recs[-1].ts + 1]
    for t in probes:
        got = _offsets_for_times(shared.bootstrap, topic, sorted(counts), t)
        want = {p: itlib.expected_offset_for_time(recs, per, p, t) for p in counts}
        assert got == want, f"offsets_for_times({t}): got {got}, expected {want}"


def test_list_offsets_earliest_latest_max_timestamp(shared):
    topic = "cf-listoffsets"
    itlib.create_topic(shared.bootstrap, topic, 2)
    base = itlib.now_ms() - 60_000
    # Partition 0 gets timestamps that go up and down; the max is in the middle.
    ts = [base + d for d in (5, 1, 9, 3, 7, 2)]
    recs = [itlib.Rec(b"k%d" % i, b"v%d" % i, [], t, 0) for i, t in enumerate(ts)]
    itlib.confluent_produce(shared.bootstrap, topic, recs, {"linger.ms": 0})
    with kwire.Conn("127.0.0.1", shared.port) as c:
        got = kwire.list_offsets_v7(c, topic, {0: kwire.EARLIEST})
        assert got[0][0] == 0 and got[0][2] == 0, f"earliest: {got}"
        got = kwire.list_offsets_v7(c, topic, {0: kwire.LATEST, 1: kwire.LATEST})
        assert got[0][0] == 0 and got[0][2] == len(ts), f"latest p0: {got}"
        assert got[1][0] == 0 and got[1][2] == 0, f"latest of empty p1: {got}"
        got = kwire.list_offsets_v7(c, topic, {0: kwire.MAX_TIMESTAMP})
        assert got[0][:3] == (0, base + 9, 2), \
            f"max timestamp: got (err, ts, offset) {got[0][:3]}, expected (0, {base + 9}, 2)"
        got = kwire.list_offsets_v7(c, topic, {0: base + 4})
        assert got[0][0] == 0 and got[0][2] == 0, \
            f"first offset with ts >= base+4 is 0 (ts base+5): {got}"
        got = kwire.list_offsets_v7(c, topic, {0: base + 8})
        assert got[0][:3] == (0, base + 9, 2), f"ts >= base+8: {got}"
        got = kwire.list_offsets_v7(c, topic, {0: base + 10})
        assert got[0][0] == 0 and got[0][2] == -1, f"ts beyond the max: {got}"


def _describe_config(adm, rtype, name):
    fs = adm.describe_configs([ConfigResource(rtype, name)], request_timeout=20)
    (res, fut), = fs.items()
    return itlib.result(fut, 30)


def test_admin_api(shared):
    bs = shared.bootstrap
    adm = itlib.admin(bs)
    topic = "cf-admin"

    # validate_only creates nothing.
    fs = adm.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)],
                           validate_only=True, request_timeout=20)
    itlib.result(fs[topic], 30)
    time.sleep(0.5)
    assert topic not in adm.list_topics(timeout=10).topics, "validate_only created the topic"

    # validate_only still validates.
    fs = adm.create_topics([NewTopic(topic + "-bad", num_partitions=0, replication_factor=1)],
                           validate_only=True, request_timeout=20)
    with pytest.raises(KafkaException) as ei:
        itlib.result(fs[topic + "-bad"], 30)
    assert ei.value.args[0].code() == KafkaError.INVALID_PARTITIONS, ei.value

    # Create with configs.
    fs = adm.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1,
                                     config={"retention.ms": "123456789",
                                             "cleanup.policy": "compact",
                                             "max.message.bytes": "200000"})],
                           request_timeout=20, operation_timeout=20)
    itlib.result(fs[topic], 30)
    md = itlib.wait_topic(bs, topic, 2, adm=adm)
    assert sorted(md.topics[topic].partitions) == [0, 1]
    assert all(p.leader == 1 and p.replicas == [1] and p.isrs == [1]
               for p in md.topics[topic].partitions.values()), md.topics[topic].partitions

    # Creating it again: TOPIC_ALREADY_EXISTS.
    fs = adm.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)],
                           request_timeout=20)
    with pytest.raises(KafkaException) as ei:
        itlib.result(fs[topic], 30)
    assert ei.value.args[0].code() == KafkaError.TOPIC_ALREADY_EXISTS, ei.value

    # DescribeConfigs: the overrides, and defaults for the rest.
    cfg = _describe_config(adm, ConfigResource.Type.TOPIC, topic)
    assert cfg["retention.ms"].value == "123456789"
    assert cfg["cleanup.policy"].value == "compact"
    assert cfg["max.message.bytes"].value == "200000"
    assert not cfg["retention.ms"].is_default
    assert "segment.bytes" in cfg and "min.insync.replicas" in cfg, sorted(cfg)
    assert cfg["segment.bytes"].is_default

    # Broker configs are there too.
    bcfg = _describe_config(adm, ConfigResource.Type.BROKER, "1")
    assert "num.partitions" in bcfg and "log.retention.hours" in bcfg, sorted(bcfg)[:50]

    # AlterConfigs replaces the whole set of overrides: cleanup.policy and max.message.bytes
    # go back to their defaults.
    fs = adm.alter_configs([ConfigResource(ConfigResource.Type.TOPIC, topic,
                                           set_config={"retention.ms": "999000"})],
                           request_timeout=20)
    for f in fs.values():
        itlib.result(f, 30)
    cfg = _describe_config(adm, ConfigResource.Type.TOPIC, topic)
    assert cfg["retention.ms"].value == "999000"
    assert cfg["cleanup.policy"].value == "delete" and cfg["cleanup.policy"].is_default
    assert cfg["max.message.bytes"].is_default

    # An invalid value is refused and changes nothing.
    fs = adm.alter_configs([ConfigResource(ConfigResource.Type.TOPIC, topic,
                                           set_config={"retention.ms": "not-a-number"})],
                           request_timeout=20)
    with pytest.raises(KafkaException):
        for f in fs.values():
            itlib.result(f, 30)
    assert _describe_config(adm, ConfigResource.Type.TOPIC, topic)["retention.ms"].value == "999000"

    # CreatePartitions 2 -> 5, then produce to the new partition 4.
    fs = adm.create_partitions([NewPartitions(topic, 5)], request_timeout=20,
                               operation_timeout=20)
    itlib.result(fs[topic], 30)
    itlib.wait_topic(bs, topic, 5, adm=adm)
    where = itlib.confluent_produce(bs, topic, [itlib.Rec(b"k", b"v", [], itlib.now_ms(), 4)])
    assert where == [(4, 0)]
    # Shrinking is refused.
    fs = adm.create_partitions([NewPartitions(topic, 3)], request_timeout=20)
    with pytest.raises(KafkaException) as ei:
        itlib.result(fs[topic], 30)
    assert ei.value.args[0].code() == KafkaError.INVALID_PARTITIONS, ei.value

    # DeleteTopics.
    fs = adm.delete_topics([topic], request_timeout=20, operation_timeout=20)
    itlib.result(fs[topic], 30)
    itlib.wait_topic_absent(bs, topic, adm=adm)
    fs = adm.delete_topics([topic], request_timeout=20)
    with pytest.raises(KafkaException) as ei:
        itlib.result(fs[topic], 30)
    assert ei.value.args[0].code() == KafkaError.UNKNOWN_TOPIC_OR_PART, ei.value


def test_idempotent_producer(shared):
    topic = "cf-idempotent"
    itlib.create_topic(shared.bootstrap, topic, 3)
    recs = itlib.gen_records(30_000, topic)
    where = itlib.confluent_produce(shared.bootstrap, topic, recs,
                                    {"enable.idempotence": True, "compression.type": "lz4",
                                     "max.in.flight.requests.per.connection": 5})
    per = itlib.expected_layout(recs, where)
    consumed = itlib.confluent_consume(shared.bootstrap, topic,
                                       {p: len(v) for p, v in per.items()})
    itlib.check_consumed(recs, consumed)
