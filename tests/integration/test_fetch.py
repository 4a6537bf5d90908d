"""Fetch semantics that the Debian clients do not exercise on their own: KIP-227 incremental
fetch sessions and long polling (fetch.min.bytes / fetch.max.wait.ms), driven with raw Fetch v12
requests. No timing asserts: long polling is checked by what comes back, not by how long it
took."""
import threading
import time

import kwire
from kwire import i8, i32, i64, compact_string, compact_array, TAGS


def fetch_v12_body(parts, session_id=0, session_epoch=-1, max_wait_ms=0, min_bytes=1,
                   max_bytes=52428800, forgotten=()):
    """parts: [(topic, partition, fetch_offset, partition_max_bytes)]."""
    by_topic = {}
    for t, p, off, mb in parts:
        by_topic.setdefault(t, []).append((p, off, mb))

    def part(x):
        p, off, mb = x
        return i32(p) + i32(-1) + i64(off) + i32(-1) + i64(-1) + i32(mb) + TAGS

    topics = compact_array(sorted(by_topic.items()),
                           lambda tp: compact_string(tp[0]) + compact_array(tp[1], part) + TAGS)
    forgot = compact_array(list(forgotten),
                           lambda tp: compact_string(tp[0]) + compact_array(tp[1], i32) + TAGS)
    return (i32(-1) + i32(max_wait_ms) + i32(min_bytes) + i32(max_bytes) + i8(0)
            + i32(session_id) + i32(session_epoch) + topics + forgot + compact_string("") + TAGS)


def read_fetch_v12(r):
    """Returns (error, session_id, {(topic, partition): (err, hw, record_bytes_len)})."""
    r.i32()  # throttle
    err = r.i16()
    sid = r.i32()
    out = {}

    def partition(topic, _r=None):
        p = r.i32()
        perr = r.i16()
        hw = r.i64()
        r.i64()  # last stable offset
        r.i64()  # log start offset
        n = r.uvarint() - 1  # aborted transactions (compact nullable array)
        for _ in range(max(n, 0)):
            r.i64(); r.i64(); r.tags()
        r.i32()  # preferred read replica
        size = r.uvarint() - 1
        if size > 0:
            r._take(size)
        r.tags()
        out[(topic, p)] = (perr, hw, max(size, 0))

    def topic(_r=None):
        name = r.compact_string()
        r.compact_array(lambda _r: partition(name))
        r.tags()

    r.compact_array(topic)
    r.tags()
    return err, sid, out


def fetch(conn, body, timeout=20.0):
    r = conn.request(kwire.FETCH, 12, body, flexible=True, timeout=timeout)
    return read_fetch_v12(r)


def produce(conn, topic, partition, values):
    batch = kwire.record_batch([(None, v, []) for v in values])
    kwire.produce_v3(conn, topic, partition, batch)


def test_incremental_fetch_session_reports_only_partitions_with_news(broker):
    topic = "sessions"
    import itlib
    itlib.create_topic(broker.bootstrap, topic, 2)
    with kwire.Conn("127.0.0.1", broker.port) as c:
        produce(c, topic, 0, [b"a", b"b"])
        # Full fetch that opens a session (epoch 0).
        err, sid, parts = fetch(c, fetch_v12_body([(topic, 0, 0, 1 << 20), (topic, 1, 0, 1 << 20)],
                                                  session_id=0, session_epoch=0))
        assert err == 0 and sid > 0, (err, sid)
        assert parts[(topic, 0)][0] == 0 and parts[(topic, 0)][1] == 2 and parts[(topic, 0)][2] > 0
        assert parts[(topic, 1)] == (0, 0, 0)
        # Incremental fetch: partition 0 moves on to offset 2; nothing new anywhere, so the
        # response names no partition.
        err, sid2, parts = fetch(c, fetch_v12_body([(topic, 0, 2, 1 << 20)], session_id=sid, session_epoch=1))
        assert err == 0 and sid2 == sid and parts == {}, parts
        # New data on partition 1 only: the next incremental fetch (no partitions named) reports
        # partition 1 with its records, from the offset the session remembers.
        produce(c, topic, 1, [b"x"])
        err, _, parts = fetch(c, fetch_v12_body([], session_id=sid, session_epoch=2))
        assert err == 0 and list(parts) == [(topic, 1)], parts
        assert parts[(topic, 1)][1] == 1 and parts[(topic, 1)][2] > 0
        # A wrong epoch is INVALID_FETCH_SESSION_EPOCH; an unknown session FETCH_SESSION_ID_NOT_FOUND.
        err, _, _ = fetch(c, fetch_v12_body([], session_id=sid, session_epoch=9))
        assert err == 71
        err, _, _ = fetch(c, fetch_v12_body([], session_id=sid + 7777, session_epoch=1))
        assert err == 70
        # Forgetting partition 1 removes it from the session.
        err, _, parts = fetch(c, fetch_v12_body([], session_id=sid, session_epoch=3,
                                                forgotten=[(topic, [1])]))
        assert err == 0
        produce(c, topic, 1, [b"y"])
        produce(c, topic, 0, [b"c"])
        err, _, parts = fetch(c, fetch_v12_body([], session_id=sid, session_epoch=4))
        assert err == 0 and list(parts) == [(topic, 0)], parts
        # Epoch -1 closes the session and fetches without one.
        err, sid3, parts = fetch(c, fetch_v12_body([(topic, 1, 0, 1 << 20)], session_id=sid, session_epoch=-1))
        assert err == 0 and sid3 == 0 and parts[(topic, 1)][1] == 2


def test_long_poll_waits_for_data_and_returns_it(broker):
    topic = "longpoll"
    import itlib
    itlib.create_topic(broker.bootstrap, topic, 1)
    with kwire.Conn("127.0.0.1", broker.port, timeout=30.0) as c, \
            kwire.Conn("127.0.0.1", broker.port) as p:
        # Nothing there yet: a fetch waiting up to 20 s must come back with the records that a
        # second connection produces meanwhile (woken by the append, long before the deadline).
        def later():
            time.sleep(0.3)
            produce(p, topic, 0, [b"wake-up"])
        t = threading.Thread(target=later)
        t.start()
        err, _, parts = fetch(c, fetch_v12_body([(topic, 0, 0, 1 << 20)], max_wait_ms=20000, min_bytes=1),
                              timeout=25.0)
        t.join()
        assert err == 0 and parts[(topic, 0)][2] > 0, parts
        # min_bytes larger than what exists: the fetch waits out max_wait and returns what is there.
        err, _, parts = fetch(c, fetch_v12_body([(topic, 0, 0, 1 << 20)], max_wait_ms=300,
                                                min_bytes=10 << 20))
        assert err == 0 and parts[(topic, 0)][2] > 0
        # At the end of the log with a short wait: an empty answer, not an error.
        err, _, parts = fetch(c, fetch_v12_body([(topic, 0, 1, 1 << 20)], max_wait_ms=200))
        assert err == 0 and parts[(topic, 0)] == (0, 1, 0)
        # Past the end: OFFSET_OUT_OF_RANGE.
        err, _, parts = fetch(c, fetch_v12_body([(topic, 0, 5, 1 << 20)], max_wait_ms=200))
        assert parts[(topic, 0)][0] == 1


def test_fetch_max_bytes_returns_at_least_one_batch(broker):
    topic = "maxbytes"
    import itlib
    itlib.create_topic(broker.bootstrap, topic, 2)
    with kwire.Conn("127.0.0.1", broker.port) as c:
        produce(c, topic, 0, [b"v" * 5000])
        produce(c, topic, 1, [b"w" * 5000])
        # fetch.max.bytes of 100: the first partition still gets its whole first batch, the
        # second nothing in this response.
        err, _, parts = fetch(c, fetch_v12_body([(topic, 0, 0, 1 << 20), (topic, 1, 0, 1 << 20)],
                                                max_bytes=100))
        assert err == 0
        assert parts[(topic, 0)][2] > 5000 and parts[(topic, 1)][2] == 0, parts
        # max.partition.fetch.bytes of 10: as in Kafka (KIP-74), only the first non-empty
        # partition may exceed its limit, with one whole batch.
        err, _, parts = fetch(c, fetch_v12_body([(topic, 0, 0, 10), (topic, 1, 0, 10)]))
        assert parts[(topic, 0)][2] > 5000 and parts[(topic, 1)][2] == 0, parts


def test_fetch_answer_never_exceeds_fetch_max_bytes_beyond_one_batch(broker):
    """Issue 12 item 13: with max.partition.fetch.bytes 20 MB and fetch.max.bytes 1 MB the answer
    was 19 MB and the client dropped it. Each partition reads at most the bytes left."""
    topic = "bytecap"
    import itlib
    itlib.create_topic(broker.bootstrap, topic, 2)
    value = b"x" * 200_000
    with kwire.Conn("127.0.0.1", broker.port) as c:
        for _ in range(8):
            produce(c, topic, 0, [value])
            produce(c, topic, 1, [value])
        limit = 1_000_000
        err, _, parts = fetch(c, fetch_v12_body([(topic, 0, 0, 20_000_000), (topic, 1, 0, 20_000_000)],
                                                max_bytes=limit))
        assert err == 0
        first, second = parts[(topic, 0)][2], parts[(topic, 1)][2]
        assert 0 < first <= limit, parts
        assert first + second <= limit, parts
        assert first >= 4 * 200_000, parts  # as many whole batches as fit, not just one
        # The second partition gets the whole batches that still fit, then the next fetch of it alone
        # is capped the same way.
        err, _, parts = fetch(c, fetch_v12_body([(topic, 1, 0, 20_000_000)], max_bytes=limit))
        assert 0 < parts[(topic, 1)][2] <= limit, parts
