"""Protocol robustness over raw sockets (RELIABILITY.md T4, the integration-level part): bad
frames, unknown APIs and versions, corrupt and oversized batches, unknown topics. After each
case the broker process must be alive and must still serve a fresh client."""
import random
import socket
import struct
import time

import pytest

import itlib
import kwire
from kwire import Conn, i16, i32, string

MAX_REQUEST = 102400   # socket.request.max.bytes for this module's broker
MAX_MESSAGE = 20000    # message.max.bytes
TOPIC = "raw"


@pytest.fixture(scope="module")
def raw_broker(module_broker_factory):
    b = module_broker_factory({"socket.request.max.bytes": MAX_REQUEST,
                               "message.max.bytes": MAX_MESSAGE,
                               "auto.create.topics.enable": "false"})
    itlib.create_topic(b.bootstrap, TOPIC, 1)
    return b


@pytest.fixture
def rb(raw_broker):
    """The module's broker, restarted if an earlier test killed it; checked healthy after."""
    if not raw_broker.running():
        raw_broker.start()
    yield raw_broker
    assert_healthy(raw_broker)


def assert_healthy(b):
    b.assert_alive()
    with Conn(b.host, b.port) as c:
        err, apis = kwire.api_versions_v0(c)
        assert err == 0 and kwire.PRODUCE in apis and kwire.METADATA in apis, (err, apis)
        md = kwire.metadata_v1(c, [TOPIC])
        assert (1, "127.0.0.1", b.port) in md["brokers"], md
        assert md["topics"][TOPIC][0] == 0, md
    b.assert_alive()


def conn(b):
    return Conn(b.host, b.port, timeout=10)


def expect_closed(c, what, timeout=10):
    closed, seen = c.wait_closed(timeout)
    assert closed, (f"{what}: Kafka closes the connection; gregor kept it open for {timeout}s "
                    f"(sent {len(seen)} bytes: {seen[:64]!r})")
    return seen


# --- framing -----------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [-1, -2147483648, 0, 2147483647, MAX_REQUEST + 1])
def test_bad_frame_size_closes(rb, size):
    with conn(rb) as c:
        c.send_raw(struct.pack(">i", size) + kwire.request_header(kwire.METADATA, 1, 1)
                   + i32(-1))
        seen = expect_closed(c, f"frame size {size}")
        assert seen == b"", f"frame size {size}: gregor answered {seen[:64]!r}"


def test_oversized_request_closes_without_reading_it(rb):
    """A frame just over socket.request.max.bytes is refused from its size prefix alone."""
    with conn(rb) as c:
        c.send_raw(struct.pack(">i", MAX_REQUEST * 4))
        expect_closed(c, "request over socket.request.max.bytes")


def test_truncated_body_then_close(rb):
    for cut in (1, 4, 9, 20):
        req = kwire.frame(kwire.request_header(kwire.METADATA, 1, 7) + kwire.array([TOPIC],
                                                                                   string))
        with conn(rb) as c:
            c.send_raw(req[:-cut])
        with conn(rb) as c:   # a half-sent request must not block anyone else
            assert kwire.api_versions_v0(c)[0] == 0


def test_truncated_frame_is_not_answered(rb):
    """A frame whose body has not fully arrived gets no response; the rest completes it."""
    body = kwire.request_header(kwire.API_VERSIONS, 0, 42)
    frame = kwire.frame(body)
    with conn(rb) as c:
        c.send_raw(frame[:-3])
        closed, seen = c.wait_closed(1.0)
        assert not closed and seen == b"", "answered or closed on a partial frame"
        c.send_raw(frame[-3:])
        r = c.recv_response(42)
        err, apis = kwire.decode_api_versions_v0(r)
        assert err == 0 and kwire.API_VERSIONS in apis


def test_garbage(rb):
    rng = random.Random(4242)
    for i in range(60):
        n = rng.randint(1, 2000)
        junk = rng.randbytes(n)
        if i % 2:   # well-framed garbage: a valid size prefix, random body
            junk = struct.pack(">i", n) + junk
        with conn(rb) as c:
            c.send_raw(junk)
            c.wait_closed(0.2)
        rb.assert_alive()


def test_garbage_after_valid_request(rb):
    """The valid request is answered; the garbage that follows closes the connection."""
    with conn(rb) as c:
        corr = c.send_request(kwire.API_VERSIONS, 0, b"")
        c.send_raw(struct.pack(">i", 64) + b"\xff" * 64)
        err, _ = kwire.decode_api_versions_v0(c.recv_response(corr))
        assert err == 0
        expect_closed(c, "garbage frame after a valid request")


# --- unknown APIs and versions -------------------------------------------------------------------
@pytest.mark.parametrize("api_key", [9999, 32767, -1, 4])
def test_unknown_api_key_closes(rb, api_key):
    """Unknown (or ZooKeeper-era, removed) API keys: Kafka cannot parse the header for them and
    closes the connection."""
    with conn(rb) as c:
        c.send_raw(kwire.frame(i16(api_key) + i16(0) + i32(5) + string("it") + b"\x00" * 8))
        seen = expect_closed(c, f"api key {api_key}")
        assert seen == b"", f"api key {api_key}: gregor answered {seen[:64]!r}"


def test_api_versions_unsupported_version(rb):
    """ApiVersions v99: UNSUPPORTED_VERSION (35) in a v0-format response that still lists the
    ApiVersions range, and the connection stays usable for the client's retry with v0."""
    with conn(rb) as c:
        corr = c.send_request(kwire.API_VERSIONS, 99, kwire.api_versions_v3_body(),
                              flexible=True)
        r = c.recv_response(corr)   # response header v0
        err, apis = kwire.decode_api_versions_v0(r)
        assert err == kwire.UNSUPPORTED_VERSION, f"error {err}, expected 35"
        assert kwire.API_VERSIONS in apis, f"the v0 fallback must list ApiVersions: {apis}"
        lo, hi = apis[kwire.API_VERSIONS]
        assert lo == 0 and hi >= 3, apis[kwire.API_VERSIONS]
        err, apis = kwire.api_versions_v0(c)
        assert err == 0 and kwire.PRODUCE in apis and kwire.FETCH in apis


def test_api_versions_v3_advertises_what_the_clients_use(rb):
    """ApiVersions v3 (flexible request, v0 response header) lists every API gregor serves, up to
    at least the versions the clients in this suite send (librdkafka 2.0, kafka-python 2.0,
    kafkajs 2.2)."""
    with conn(rb) as c:
        err, apis = kwire.api_versions_v3(c)
    assert err == 0
    need_max = {0: 7, 1: 11, 2: 7, 3: 6, 18: 3, 19: 4, 20: 3, 22: 1, 32: 2, 33: 1, 37: 1,
                44: 1, 60: 0}
    missing = sorted(k for k in need_max if k not in apis)
    assert not missing, f"api keys not advertised: {missing} (advertised: {sorted(apis)})"
    low = {k: apis[k] for k, v in need_max.items() if apis[k][1] < v}
    assert not low, f"max versions below what the test clients use: {low} (need {need_max})"
    # Kafka 4 refuses Produce v0-2 but still advertises min 0 (KAFKA-18659: librdkafka).
    assert apis[0][0] == 0, f"Produce advertised as {apis[0]}, Kafka advertises min 0"
    assert apis[1][0] <= 4, f"Fetch advertised as {apis[1]}"


def test_api_versions_v3_reports_the_features_as_a_kraft_broker(rb):
    """Issue 12 item 15: a KRaft broker always lists its supported and finalized features
    (metadata.version at least), or Admin.describeFeatures() and kafka-features print nothing."""
    with conn(rb) as c:
        r = c.request(kwire.API_VERSIONS, 3, kwire.api_versions_v3_body(), flexible=True)
        assert r.i16() == 0
        r.compact_array(lambda rr: (rr.i16(), rr.i16(), rr.i16(), rr.tags()))
        r.i32()  # throttle
        supported, finalized, epoch = {}, {}, None
        for _ in range(r.uvarint()):
            tag, size = r.uvarint(), r.uvarint()
            sub = kwire.Reader(r._take(size))
            if tag == 0:
                for name, lo, hi in sub.compact_array(lambda x: (x.compact_string(), x.i16(), x.i16(), x.tags())[:3]):
                    supported[name] = (lo, hi)
            elif tag == 1:
                epoch = sub.i64()
            elif tag == 2:
                for name, hi, lo in sub.compact_array(lambda x: (x.compact_string(), x.i16(), x.i16(), x.tags())[:3]):
                    finalized[name] = (lo, hi)
    assert supported.get("metadata.version") == (7, 21), supported
    assert finalized.get("metadata.version") == (21, 21), finalized   # 3.9-IV0
    assert "transaction.version" in supported and "transaction.version" not in finalized
    assert epoch is not None and epoch >= 0


def test_produce_unsupported_version_closes(rb):
    """Produce v99: Kafka refuses versions it does not know by closing the connection."""
    with conn(rb) as c:
        batch = kwire.record_batch([(b"k", b"v", [])])
        c.send_raw(kwire.frame(kwire.request_header(kwire.PRODUCE, 99, 3, flexible=True)
                               + kwire.produce_v3_body(TOPIC, 0, batch)))
        seen = expect_closed(c, "Produce v99")
        assert seen == b"", f"Produce v99: gregor answered {seen[:64]!r}"


def test_body_array_count_bomb(rb):
    """Metadata v1 whose topic array claims 2^31-1 entries with nothing after: no allocation
    bomb, the connection is closed (Kafka cannot parse the body)."""
    with conn(rb) as c:
        c.send_raw(kwire.frame(kwire.request_header(kwire.METADATA, 1, 9) + i32(2147483647)))
        expect_closed(c, "array count beyond the frame")


def test_pipelined_requests_answered_in_order(rb):
    with conn(rb) as c:
        corrs = []
        payload = b""
        for i in range(40):
            corr = 1000 + i
            corrs.append(corr)
            if i % 2:
                payload += kwire.frame(kwire.request_header(kwire.METADATA, 1, corr)
                                       + kwire.array([TOPIC], string))
            else:
                payload += kwire.frame(kwire.request_header(kwire.API_VERSIONS, 0, corr))
        c.send_raw(payload)
        got = [struct.unpack(">i", c.recv_frame()[:4])[0] for _ in corrs]
        assert got == corrs, f"responses out of order: {got}"


# --- produce errors ------------------------------------------------------------------------------
def test_produce_good_batch(rb):
    with conn(rb) as c:
        batch = kwire.record_batch([(b"k1", b"v1", [("h", b"x")]), (None, b"v2", [])])
        err, base = kwire.produce_v3(c, TOPIC, 0, batch)
        assert err == 0 and base >= 0, (err, base)
        err2, base2 = kwire.produce_v3(c, TOPIC, 0, batch)
        assert (err2, base2) == (0, base + 2)


def test_produce_corrupt_crc(rb):
    with conn(rb) as c:
        batch = kwire.record_batch([(b"k", b"v" * 100, [])] * 5, corrupt_crc=True)
        err, _ = kwire.produce_v3(c, TOPIC, 0, batch)
        assert err == kwire.CORRUPT_MESSAGE, f"error {err}, expected CORRUPT_MESSAGE (2)"
        # Same connection still works, and nothing of the bad batch was appended.
        lo = kwire.list_offsets_v7(c, TOPIC, {0: kwire.LATEST})[0][2]
        err, base = kwire.produce_v3(c, TOPIC, 0, kwire.record_batch([(b"k", b"ok", [])]))
        assert err == 0 and base == lo


def test_produce_flipped_record_byte(rb):
    """A valid CRC field over records altered after the fact: CRC mismatch."""
    with conn(rb) as c:
        batch = bytearray(kwire.record_batch([(b"key", b"value-%d" % i, []) for i in range(10)]))
        batch[-5] ^= 0x01
        err, _ = kwire.produce_v3(c, TOPIC, 0, bytes(batch))
        assert err == kwire.CORRUPT_MESSAGE, f"error {err}, expected CORRUPT_MESSAGE (2)"


def test_produce_batch_length_mismatch(rb):
    """batchLength larger than the bytes sent: CORRUPT_MESSAGE, no crash, no hang."""
    with conn(rb) as c:
        batch = bytearray(kwire.record_batch([(b"k", b"v", [])]))
        struct.pack_into(">i", batch, 8, len(batch) + 1000)
        err, _ = kwire.produce_v3(c, TOPIC, 0, bytes(batch))
        assert err in (kwire.CORRUPT_MESSAGE, kwire.INVALID_RECORD), f"error {err}"


def test_produce_oversized_batch(rb):
    with conn(rb) as c:
        batch = kwire.record_batch([(b"k", bytes(MAX_MESSAGE + 5000), [])])
        assert len(batch) < MAX_REQUEST
        err, _ = kwire.produce_v3(c, TOPIC, 0, batch)
        assert err == kwire.MESSAGE_TOO_LARGE, f"error {err}, expected MESSAGE_TOO_LARGE (10)"


def test_produce_unknown_topic_no_autocreate(rb):
    with conn(rb) as c:
        err, _ = kwire.produce_v3(c, "no-such-topic", 0, kwire.record_batch([(b"k", b"v", [])]))
        assert err == kwire.UNKNOWN_TOPIC_OR_PARTITION, f"error {err}, expected 3"
        err, _ = kwire.produce_v3(c, TOPIC, 7, kwire.record_batch([(b"k", b"v", [])]))
        assert err == kwire.UNKNOWN_TOPIC_OR_PARTITION, f"partition 7 of a 1-partition topic: {err}"
        md = kwire.metadata_v4(c, ["no-such-topic"], allow_auto_create=True)
        assert md["topics"]["no-such-topic"][0] == kwire.UNKNOWN_TOPIC_OR_PARTITION, md
        md = kwire.metadata_v1(c, None)
        assert "no-such-topic" not in md["topics"], "auto.create.topics.enable=false created it"


def test_slow_client_does_not_block_others(rb):
    """One connection dribbles a request a byte at a time; others are served meanwhile."""
    req = kwire.frame(kwire.request_header(kwire.API_VERSIONS, 0, 77))
    with conn(rb) as slow:
        for i, byte in enumerate(req):
            slow.send_raw(bytes([byte]))
            if i % 5 == 0:
                with conn(rb) as other:
                    assert kwire.api_versions_v0(other, timeout=5)[0] == 0
        err, _ = kwire.decode_api_versions_v0(slow.recv_response(77))
        assert err == 0


def test_client_gone_before_large_fetch_response(rb):
    """Clients that close their connection while a big Fetch response is being written: the
    broker's writes then fail with EPIPE/ECONNRESET, which must not kill it (SIGPIPE)."""
    topic = "raw-big"
    itlib.create_topic(rb.bootstrap, topic, 1)
    recs = [itlib.Rec(b"k%d" % i, bytes([i % 251]) * 1000, [], itlib.now_ms(), 0)
            for i in range(4000)]
    itlib.confluent_produce(rb.bootstrap, topic, recs, {"batch.size": 15000,
                                                        "message.max.bytes": 15000})
    body = kwire.fetch_v4_body(topic, {0: 0}, max_wait_ms=0)
    for i in range(30):
        s = socket.create_connection((rb.host, rb.port), timeout=10)
        s.sendall(kwire.frame(kwire.request_header(kwire.FETCH, 4, i) + body))
        if i % 2:   # abortive close (RST) half of the time
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    # The failing writes happen after the closes; give them a moment (bounded) to happen.
    with conn(rb) as c:
        c.send_request(kwire.FETCH, 4, body)
        c.recv_frame(timeout=20)
    for _ in range(20):
        rb.assert_alive()
        time.sleep(0.05)


def test_many_connections(rb):
    socks = []
    try:
        for _ in range(300):
            socks.append(socket.create_connection((rb.host, rb.port), timeout=10))
        with conn(rb) as c:
            assert kwire.api_versions_v0(c)[0] == 0
    finally:
        for s in socks:
            s.close()
