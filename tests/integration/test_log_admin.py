"""DeleteRecords and DescribeLogDirs, driven with raw requests (the Debian clients have no admin
call for them): DeleteRecords moves the log start offset (what consumers and ListOffsets see as
the earliest offset), refuses offsets past the high watermark, and DescribeLogDirs lists every
partition in its log dir with its size."""
import kwire
from kwire import i32, i64, string, array

import itlib

DELETE_RECORDS = 21
DESCRIBE_LOG_DIRS = 35


def delete_records_v0(conn, topic, partition_offsets):
    body = (array([topic], lambda t: string(t) + array(
        sorted(partition_offsets.items()), lambda po: i32(po[0]) + i64(po[1]))) + i32(5000))
    r = conn.request(DELETE_RECORDS, 0, body)
    r.i32()  # throttle
    out = {}
    for _ in range(r.i32()):
        r.string()
        for _ in range(r.i32()):
            p = r.i32()
            low = r.i64()
            err = r.i16()
            out[p] = (err, low)
    return out


def describe_log_dirs_v1(conn, topics=None):
    """topics: {topic: [partitions]} or None for all. Returns [(err, dir, {(t, p): size})]."""
    if topics is None:
        body = i32(-1)
    else:
        body = array(sorted(topics.items()), lambda tp: string(tp[0]) + array(tp[1], i32))
    r = conn.request(DESCRIBE_LOG_DIRS, 1, body)
    r.i32()
    out = []
    for _ in range(r.i32()):
        err = r.i16()
        d = r.string()
        parts = {}
        for _ in range(r.i32()):
            t = r.string()
            for _ in range(r.i32()):
                p = r.i32()
                size = r.i64()
                r.i64()  # offset lag
                r.boolean()  # is future
                parts[(t, p)] = size
        out.append((err, d, parts))
    return out


def test_delete_records_moves_the_log_start_offset(broker):
    topic = "dr"
    itlib.create_topic(broker.bootstrap, topic, 2)
    recs = itlib.gen_records(400, topic, partitions=2)
    itlib.confluent_produce(broker.bootstrap, topic, recs)
    marks = itlib.watermarks(broker.bootstrap, topic, [0, 1])
    high0, high1 = marks[0][1], marks[1][1]
    assert high0 > 10 and high1 > 0
    with kwire.Conn(broker.host, broker.port) as c:
        got = delete_records_v0(c, topic, {0: 10, 1: -1})
        assert got[0] == (kwire.NONE, 10)
        assert got[1] == (kwire.NONE, high1)  # -1: up to the high watermark
        got = delete_records_v0(c, topic, {0: high0 + 5})
        assert got[0][0] == kwire.OFFSET_OUT_OF_RANGE
        got = delete_records_v0(c, topic, {0: 5})  # lower than the start: no-op
        assert got[0] == (kwire.NONE, 10)
        got = delete_records_v0(c, "no-such-topic", {0: 1})
        assert got[0][0] == kwire.UNKNOWN_TOPIC_OR_PARTITION
    marks = itlib.watermarks(broker.bootstrap, topic, [0, 1])
    assert marks[0] == (10, high0)
    assert marks[1] == (high1, high1)
    # The new start survives a clean restart.
    broker.stop()
    broker.start()
    assert itlib.watermarks(broker.bootstrap, topic, [0])[0] == (10, high0)


def test_describe_log_dirs_lists_partitions_with_sizes(broker):
    topic = "dld"
    itlib.create_topic(broker.bootstrap, topic, 3)
    itlib.confluent_produce(broker.bootstrap, topic, itlib.gen_records(300, topic, partitions=3))
    with kwire.Conn(broker.host, broker.port) as c:
        dirs = describe_log_dirs_v1(c)
        assert len(dirs) == 1
        err, d, parts = dirs[0]
        assert err == kwire.NONE
        assert d == str(broker.data_dir.resolve())
        for p in range(3):
            assert parts[(topic, p)] > 0
        only = describe_log_dirs_v1(c, {topic: [1]})
        assert list(only[0][2].keys()) == [(topic, 1)]
