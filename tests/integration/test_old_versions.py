"""Request versions Kafka 4 removed (KIP-896) and Gregor serves again (issue 12 item 19), each
with a raw request over kwire, and kafka-python pinned to old api_versions that send them:
ListOffsets v0, OffsetCommit v0-1, OffsetFetch v0, CreateTopics v0-1, DeleteTopics v0,
OffsetForLeaderEpoch v0-1, DescribeConfigs v0 and DescribeLogDirs v0. (The ACL and delegation
token v0 requests are in test_features_off.py.) Produce stays v3+ and Fetch v4+."""
import pytest
from kafka import KafkaConsumer, TopicPartition
from kafka.structs import OffsetAndMetadata

import kwire
from kwire import Conn, array, i8, i16, i32, i64, string

NULL_STRING = i16(-1)
CREATE_TOPICS, DELETE_TOPICS, OFFSET_COMMIT, OFFSET_FETCH = 19, 20, 8, 9
OFFSET_FOR_LEADER_EPOCH, DESCRIBE_CONFIGS, DESCRIBE_LOG_DIRS, FIND_COORDINATOR = 23, 32, 35, 10
INVALID_REPLICATION_FACTOR, TOPIC_ALREADY_EXISTS = 38, 36
# 3.9's floors, which Gregor serves again (Produce's 0 is advertised only, as Kafka does).
OLD_FLOORS = {2: 0, 8: 0, 9: 0, 19: 0, 20: 0, 23: 0, 27: 0, 29: 0, 30: 0, 31: 0, 32: 0, 35: 0,
              38: 0, 39: 0, 40: 0, 41: 0}


@pytest.fixture(scope="module")
def ob(module_broker_factory):
    return module_broker_factory()


def create_topics_v0(c, name, partitions, configs=(), version=0, validate_only=False):
    topic = (string(name) + i32(partitions) + i16(1) + array([])
             + array(list(configs), lambda kv: string(kv[0]) + string(kv[1])))
    body = array([topic]) + i32(10000) + (i8(1 if validate_only else 0) if version >= 1 else b"")
    r = c.request(CREATE_TOPICS, version, body)
    if version == 0:
        return r.array(lambda rr: (rr.string(), rr.i16(), None))
    return r.array(lambda rr: (rr.string(), rr.i16(), rr.string()))


def list_offsets_v0(c, topic, partition, timestamp, max_num):
    body = i32(-1) + array([string(topic) + array([i32(partition) + i64(timestamp) + i32(max_num)])])
    r = c.request(kwire.LIST_OFFSETS, 0, body)
    topics = r.array(lambda rr: (rr.string(), rr.array(lambda p: (p.i32(), p.i16(), p.array(lambda o: o.i64())))))
    assert r.remaining() == 0
    (_, [(_, err, offsets)]), = topics
    return err, offsets


def produce(c, topic, partition, n):
    for i in range(n):
        err, _ = kwire.produce_v3(c, topic, partition, kwire.record_batch([(None, b"r%d" % i, [])]))
        assert err == 0


def offset_fetch_v0(c, group, topic, partitions):
    body = string(group) + array([string(topic) + array(partitions, i32)])
    r = c.request(OFFSET_FETCH, 0, body)
    topics = r.array(lambda rr: (rr.string(), rr.array(lambda p: (p.i32(), p.i64(), p.string(), p.i16()))))
    assert r.remaining() == 0
    return {(t, p): (off, meta, err) for t, parts in topics for p, off, meta, err in parts}


def test_api_versions_advertise_the_old_floors(ob):
    with Conn(ob.host, ob.port) as c:
        err, versions = kwire.api_versions_v0(c)
    assert err == 0
    for key, floor in OLD_FLOORS.items():
        assert versions[key][0] == floor, f"api {key}: min version {versions[key][0]}, expected {floor}"
    assert versions[kwire.PRODUCE][0] == 0 and versions[kwire.FETCH][0] == 4


def test_create_topics_v0_v1_and_delete_topics_v0(ob):
    with Conn(ob.host, ob.port) as c:
        assert create_topics_v0(c, "old-ct", 2, [("retention.ms", "3600000")]) == [("old-ct", 0, None)]
        assert create_topics_v0(c, "old-ct", 2) == [("old-ct", TOPIC_ALREADY_EXISTS, None)]
        # v1: validate only, with an error message on failure.
        assert [(n, e) for n, e, _ in create_topics_v0(c, "old-ct-v", 1, version=1, validate_only=True)] == \
            [("old-ct-v", 0)]
        (name, err, msg), = create_topics_v0(c, "old-ct-v", 1, version=1, validate_only=True,
                                             configs=[("cleanup.policy", "bogus")])
        assert err != 0 and msg, (err, msg)
        # DescribeConfigs v0: IsDefault instead of a config source.
        body = array([i8(2) + string("old-ct") + i32(-1)])
        r = c.request(DESCRIBE_CONFIGS, 0, body)
        r.i32()
        results = r.array(lambda rr: (rr.i16(), rr.string(), rr.i8(), rr.string(),
                                      rr.array(lambda e: (e.string(), e.string(), e.boolean(), e.boolean(),
                                                          e.boolean()))))
        assert r.remaining() == 0
        (err, _, rtype, rname, configs), = results
        assert (err, rtype, rname) == (0, 2, "old-ct")
        by_name = {n: (v, ro, dflt, sens) for n, v, ro, dflt, sens in configs}
        assert by_name["retention.ms"] == ("3600000", False, False, False)
        assert by_name["cleanup.policy"] == ("delete", False, True, False)
        # DescribeLogDirs v0, all topics.
        r = c.request(DESCRIBE_LOG_DIRS, 0, i32(-1))
        r.i32()
        dirs = r.array(lambda rr: (rr.i16(), rr.string(), rr.array(
            lambda t: (t.string(), t.array(lambda p: (p.i32(), p.i64(), p.i64(), p.boolean()))))))
        assert r.remaining() == 0
        seen = {(t, p) for err, _, topics in dirs if err == 0 for t, parts in topics for p, *_ in parts}
        assert {("old-ct", 0), ("old-ct", 1)} <= seen, seen
        # DeleteTopics v0: no throttle time in the answer.
        r = c.request(DELETE_TOPICS, 0, array(["old-ct"], string) + i32(10000))
        assert r.array(lambda rr: (rr.string(), rr.i16())) == [("old-ct", 0)]
        assert r.remaining() == 0


def test_list_offsets_v0_answers_old_style_offset_lists(ob):
    with Conn(ob.host, ob.port) as c:
        assert create_topics_v0(c, "old-lo", 1) == [("old-lo", 0, None)]
        assert list_offsets_v0(c, "old-lo", 0, -1, 10) == (0, [0])
        produce(c, "old-lo", 0, 5)
        assert list_offsets_v0(c, "old-lo", 0, -1, 10) == (0, [5, 0])  # log end, then the segment start
        assert list_offsets_v0(c, "old-lo", 0, -1, 1) == (0, [5])
        assert list_offsets_v0(c, "old-lo", 0, -2, 10) == (0, [0])
        assert list_offsets_v0(c, "old-lo", 0, 0, 10) == (0, [])  # no segment dated that early
        # Timestamps below -2 (max timestamp, earliest local) are v1+ only.
        assert list_offsets_v0(c, "old-lo", 0, -3, 1) == (kwire.UNSUPPORTED_VERSION, [])
        assert list_offsets_v0(c, "old-lo", 5, -1, 1)[0] == kwire.UNKNOWN_TOPIC_OR_PARTITION
        # OffsetForLeaderEpoch v0 (no epoch in the answer) and v1.
        req = array([string("old-lo") + array([i32(0) + i32(0)])])
        r = c.request(OFFSET_FOR_LEADER_EPOCH, 0, req)
        assert r.array(lambda rr: (rr.string(), rr.array(lambda p: (p.i16(), p.i32(), p.i64())))) == \
            [("old-lo", [(0, 0, 5)])]
        assert r.remaining() == 0
        r = c.request(OFFSET_FOR_LEADER_EPOCH, 1, req)
        assert r.array(lambda rr: (rr.string(), rr.array(lambda p: (p.i16(), p.i32(), p.i32(), p.i64())))) == \
            [("old-lo", [(0, 0, 0, 5)])]


def test_offset_commit_v0_v1_and_offset_fetch_v0(ob):
    with Conn(ob.host, ob.port) as c:
        assert create_topics_v0(c, "old-oc", 2) == [("old-oc", 0, None)]
        # FindCoordinator v0 for the group: this single broker.
        r = c.request(FIND_COORDINATOR, 0, string("old-group"))
        assert r.i16() == 0
        # OffsetCommit v0: group, then (partition, offset, metadata).
        body = string("old-group") + array([string("old-oc") + array([i32(0) + i64(7) + string("m0")])])
        r = c.request(OFFSET_COMMIT, 0, body)
        assert r.array(lambda rr: (rr.string(), rr.array(lambda p: (p.i32(), p.i16())))) == [("old-oc", [(0, 0)])]
        assert r.remaining() == 0
        # OffsetCommit v1: generation -1 and no member (a simple consumer), per-partition timestamp.
        body = (string("old-group") + i32(-1) + string("")
                + array([string("old-oc") + array([i32(1) + i64(9) + i64(-1) + string("m1")])]))
        r = c.request(OFFSET_COMMIT, 1, body)
        assert r.array(lambda rr: (rr.string(), rr.array(lambda p: (p.i32(), p.i16())))) == [("old-oc", [(1, 0)])]
        got = offset_fetch_v0(c, "old-group", "old-oc", [0, 1])
        assert got == {("old-oc", 0): (7, "m0", 0), ("old-oc", 1): (9, "m1", 0)}
        # A partition without a commit: -1.
        body = string("old-group") + array([string("old-oc") + array([i32(0) + i64(1) + NULL_STRING])])
        assert c.request(OFFSET_COMMIT, 0, body).array(
            lambda rr: (rr.string(), rr.array(lambda p: (p.i32(), p.i16())))) == [("old-oc", [(0, 0)])]
        assert offset_fetch_v0(c, "old-group", "old-oc", [0])[("old-oc", 0)][0] == 1


@pytest.mark.parametrize("api_version", [(0, 8, 2), (0, 10, 0)])
def test_kafka_python_pinned_to_old_versions(ob, api_version):
    """kafka-python 2.0.2 sends ListOffsets v0 below (0, 10, 1) and OffsetCommit/OffsetFetch v1
    at (0, 8, 2) (v2 from 0.9)."""
    topic = f"old-kp-{api_version[1]}"
    with Conn(ob.host, ob.port) as c:
        assert create_topics_v0(c, topic, 1) == [(topic, 0, None)]
        produce(c, topic, 0, 4)
    tp = TopicPartition(topic, 0)
    consumer = KafkaConsumer(bootstrap_servers=ob.bootstrap, api_version=api_version,
                             group_id=f"kp-{api_version[1]}", enable_auto_commit=False)
    try:
        consumer.assign([tp])
        assert consumer.end_offsets([tp]) == {tp: 4}
        assert consumer.beginning_offsets([tp]) == {tp: 0}
        consumer.commit({tp: OffsetAndMetadata(3, "kp")})
        assert consumer.committed(tp) == 3
    finally:
        consumer.close()
