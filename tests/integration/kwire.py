"""A tiny hand-written Kafka wire encoder/decoder for the raw-socket tests.

Only what the integration tests need: request framing, request headers v1/v2, ApiVersions
(v0, v3), Metadata (v1, v4), Produce v3, ListOffsets v7, and RecordBatch v2 building with
CRC32C. Everything is built with struct.pack; no Kafka client library is involved.
"""
import socket
import struct
import time

# --- error codes used by the tests ---------------------------------------------------------
NONE = 0
OFFSET_OUT_OF_RANGE = 1
CORRUPT_MESSAGE = 2
UNKNOWN_TOPIC_OR_PARTITION = 3
MESSAGE_TOO_LARGE = 10
UNSUPPORTED_VERSION = 35
INVALID_RECORD = 87

# --- api keys ------------------------------------------------------------------------------
PRODUCE = 0
FETCH = 1
LIST_OFFSETS = 2
METADATA = 3
API_VERSIONS = 18


# --- CRC32C (Castagnoli), table driven ----------------------------------------------------
def _make_crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C_TABLE = _make_crc32c_table()


def crc32c(data, crc=0):
    c = crc ^ 0xFFFFFFFF
    t = _CRC32C_TABLE
    for b in data:
        c = t[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283


# --- primitive encoders --------------------------------------------------------------------
def i8(v):
    return struct.pack(">b", v)


def i16(v):
    return struct.pack(">h", v)


def i32(v):
    return struct.pack(">i", v)


def i64(v):
    return struct.pack(">q", v)


def u32(v):
    return struct.pack(">I", v)


def string(s):
    """Kafka STRING / NULLABLE_STRING (int16 length)."""
    if s is None:
        return i16(-1)
    b = s.encode() if isinstance(s, str) else s
    return i16(len(b)) + b


def kbytes(b):
    """Kafka BYTES / NULLABLE_BYTES / RECORDS (int32 length)."""
    if b is None:
        return i32(-1)
    return i32(len(b)) + b


def array(items, enc=lambda x: x):
    if items is None:
        return i32(-1)
    return i32(len(items)) + b"".join(enc(x) for x in items)


def uvarint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def varint(v):
    """Zigzag varint (records)."""
    return uvarint((v << 1) ^ (v >> 63))


def compact_string(s):
    if s is None:
        return uvarint(0)
    b = s.encode() if isinstance(s, str) else s
    return uvarint(len(b) + 1) + b


def compact_array(items, enc=lambda x: x):
    if items is None:
        return uvarint(0)
    return uvarint(len(items) + 1) + b"".join(enc(x) for x in items)


TAGS = uvarint(0)  # empty tagged-field section


# --- primitive decoder ---------------------------------------------------------------------
class Reader:
    def __init__(self, data):
        self.d = data
        self.p = 0

    def _take(self, n):
        if n < 0 or self.p + n > len(self.d):
            raise ValueError(f"short read: need {n} at {self.p}, have {len(self.d) - self.p}")
        b = self.d[self.p:self.p + n]
        self.p += n
        return b

    def i8(self):
        return struct.unpack(">b", self._take(1))[0]

    def i16(self):
        return struct.unpack(">h", self._take(2))[0]

    def i32(self):
        return struct.unpack(">i", self._take(4))[0]

    def i64(self):
        return struct.unpack(">q", self._take(8))[0]

    def boolean(self):
        return self.i8() != 0

    def string(self):
        n = self.i16()
        return None if n < 0 else self._take(n).decode()

    def uvarint(self):
        shift = 0
        v = 0
        while True:
            b = self._take(1)[0]
            v |= (b & 0x7F) << shift
            if not b & 0x80:
                return v
            shift += 7
            if shift > 35:
                raise ValueError("uvarint too long")

    def compact_string(self):
        n = self.uvarint()
        return None if n == 0 else self._take(n - 1).decode()

    def array(self, fn):
        n = self.i32()
        return None if n < 0 else [fn(self) for _ in range(n)]

    def compact_array(self, fn):
        n = self.uvarint()
        return None if n == 0 else [fn(self) for _ in range(n - 1)]

    def tags(self):
        for _ in range(self.uvarint()):
            self.uvarint()
            self._take(self.uvarint())

    def remaining(self):
        return len(self.d) - self.p


# --- request framing -----------------------------------------------------------------------
def request_header(api_key, version, corr_id, client_id="gregor-it", flexible=False):
    h = i16(api_key) + i16(version) + i32(corr_id) + string(client_id)
    if flexible:
        h += TAGS
    return h


def frame(payload):
    return i32(len(payload)) + payload


class Closed(Exception):
    """The broker closed the connection."""


class Conn:
    """One TCP connection to a broker, with bounded waits everywhere."""

    def __init__(self, host, port, timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.next_corr = 1

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def send_request(self, api_key, version, body, flexible=False, corr_id=None):
        if corr_id is None:
            corr_id = self.next_corr
            self.next_corr += 1
        hdr = request_header(api_key, version, corr_id, flexible=flexible)
        self.send_raw(frame(hdr + body))
        return corr_id

    def _recv_exact(self, n, deadline):
        buf = bytearray()
        while len(buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"timed out reading {n} bytes (got {len(buf)})")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(n - len(buf))
            except socket.timeout:
                raise TimeoutError(f"timed out reading {n} bytes (got {len(buf)})") from None
            except (ConnectionResetError, BrokenPipeError) as e:
                raise Closed(str(e)) from None
            if not chunk:
                raise Closed(f"EOF after {len(buf)} of {n} bytes")
            buf += chunk
        return bytes(buf)

    def recv_frame(self, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        size = struct.unpack(">i", self._recv_exact(4, deadline))[0]
        if size < 4 or size > 256 * 1024 * 1024:
            raise ValueError(f"broker sent a bad response frame size {size}")
        return self._recv_exact(size, deadline)

    def recv_response(self, corr_id, flexible_header=False, timeout=None):
        """Returns a Reader positioned at the response body."""
        data = self.recv_frame(timeout)
        r = Reader(data)
        got = r.i32()
        if got != corr_id:
            raise AssertionError(f"response correlation id {got}, expected {corr_id}")
        if flexible_header:
            r.tags()
        return r

    def request(self, api_key, version, body, flexible=False, timeout=None):
        corr = self.send_request(api_key, version, body, flexible=flexible)
        # ApiVersions responses always use response header v0.
        return self.recv_response(corr, flexible_header=flexible and api_key != API_VERSIONS,
                                  timeout=timeout)

    def wait_closed(self, timeout=10.0):
        """True if the peer closes the connection (EOF/RST) within timeout, discarding any bytes
        it sends first; False if it is still open at the deadline. Returns (closed, bytes_seen)."""
        deadline = time.monotonic() + timeout
        seen = bytearray()
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False, bytes(seen)
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return False, bytes(seen)
            except (ConnectionResetError, BrokenPipeError):
                return True, bytes(seen)
            if not chunk:
                return True, bytes(seen)
            seen += chunk


# --- ApiVersions -----------------------------------------------------------------------------
def api_versions_v0(conn, timeout=None):
    """Returns (error_code, {api_key: (min, max)})."""
    r = conn.request(API_VERSIONS, 0, b"", timeout=timeout)
    return decode_api_versions_v0(r)


def decode_api_versions_v0(r):
    err = r.i16()
    keys = r.array(lambda rr: (rr.i16(), rr.i16(), rr.i16())) or []
    return err, {k: (lo, hi) for k, lo, hi in keys}


def api_versions_v3_body(name="gregor-it", version="1.0"):
    return compact_string(name) + compact_string(version) + TAGS


def api_versions_v3(conn, timeout=None):
    r = conn.request(API_VERSIONS, 3, api_versions_v3_body(), flexible=True, timeout=timeout)
    err = r.i16()
    keys = r.compact_array(lambda rr: (rr.i16(), rr.i16(), rr.i16(), rr.tags())) or []
    return err, {k: (lo, hi) for k, lo, hi, _ in keys}


# --- Metadata --------------------------------------------------------------------------------
def metadata_v1(conn, topics=None, timeout=None):
    """topics=None asks for all topics. Returns dict(brokers=[(id, host, port)], controller,
    topics={name: (err, {partition: (err, leader)})})."""
    body = array(topics, string) if topics is not None else i32(-1)
    r = conn.request(METADATA, 1, body, timeout=timeout)
    brokers = r.array(lambda rr: (rr.i32(), rr.string(), rr.i32(), rr.string()))
    controller = r.i32()
    topics_out = {}
    for _ in range(r.i32()):
        terr = r.i16()
        name = r.string()
        r.boolean()
        parts = {}
        for _ in range(r.i32()):
            perr = r.i16()
            idx = r.i32()
            leader = r.i32()
            r.array(lambda rr: rr.i32())
            r.array(lambda rr: rr.i32())
            parts[idx] = (perr, leader)
        topics_out[name] = (terr, parts)
    return {"brokers": [(b[0], b[1], b[2]) for b in brokers or []], "controller": controller,
            "topics": topics_out}


def metadata_v4(conn, topics, allow_auto_create, timeout=None):
    body = array(topics, string) + i8(1 if allow_auto_create else 0)
    r = conn.request(METADATA, 4, body, timeout=timeout)
    r.i32()  # throttle
    brokers = r.array(lambda rr: (rr.i32(), rr.string(), rr.i32(), rr.string()))
    r.string()  # cluster id
    controller = r.i32()
    topics_out = {}
    for _ in range(r.i32()):
        terr = r.i16()
        name = r.string()
        r.boolean()
        parts = {}
        for _ in range(r.i32()):
            perr = r.i16()
            idx = r.i32()
            leader = r.i32()
            r.array(lambda rr: rr.i32())
            r.array(lambda rr: rr.i32())
            parts[idx] = (perr, leader)
        topics_out[name] = (terr, parts)
    return {"brokers": [(b[0], b[1], b[2]) for b in brokers or []], "controller": controller,
            "topics": topics_out}


# --- RecordBatch v2 --------------------------------------------------------------------------
def record(offset_delta, ts_delta, key, value, headers=()):
    body = i8(0) + varint(ts_delta) + varint(offset_delta)
    body += varint(-1) if key is None else varint(len(key)) + key
    body += varint(-1) if value is None else varint(len(value)) + value
    body += varint(len(headers))
    for hk, hv in headers:
        hkb = hk.encode()
        body += varint(len(hkb)) + hkb
        body += varint(-1) if hv is None else varint(len(hv)) + hv
    return varint(len(body)) + body


def record_batch(records, base_ts=None, base_offset=0, attributes=0, producer_id=-1,
                 producer_epoch=-1, base_sequence=-1, magic=2, corrupt_crc=False):
    """records: list of (key, value, headers). Uncompressed unless attributes says otherwise
    (the caller then passes already-compressed record bytes via record_batch_raw)."""
    if base_ts is None:
        base_ts = int(time.time() * 1000)
    recs = b"".join(record(i, 0, k, v, h) for i, (k, v, h) in enumerate(records))
    return record_batch_raw(recs, len(records), base_ts, base_ts, base_offset, attributes,
                            producer_id, producer_epoch, base_sequence, magic, corrupt_crc)


def record_batch_raw(records_bytes, count, base_ts, max_ts, base_offset=0, attributes=0,
                     producer_id=-1, producer_epoch=-1, base_sequence=-1, magic=2,
                     corrupt_crc=False, last_offset_delta=None):
    if last_offset_delta is None:
        last_offset_delta = count - 1
    after_crc = (i16(attributes) + i32(last_offset_delta) + i64(base_ts) + i64(max_ts)
                 + i64(producer_id) + i16(producer_epoch) + i32(base_sequence) + i32(count)
                 + records_bytes)
    crc = crc32c(after_crc)
    if corrupt_crc:
        crc ^= 0xDEADBEEF
    # batchLength counts from partitionLeaderEpoch to the end.
    tail = i32(-1) + i8(magic) + u32(crc) + after_crc
    return i64(base_offset) + i32(len(tail)) + tail


# --- Produce v3 ----------------------------------------------------------------------------------
def produce_v3_body(topic, partition, batch, acks=-1, timeout_ms=10000):
    return (string(None) + i16(acks) + i32(timeout_ms)
            + array([topic], lambda t: string(t) + array([partition], lambda p: i32(p) + kbytes(batch))))


def produce_v3(conn, topic, partition, batch, acks=-1, timeout_ms=10000, timeout=None):
    """Returns (error_code, base_offset) of the single partition."""
    r = conn.request(PRODUCE, 3, produce_v3_body(topic, partition, batch, acks, timeout_ms),
                     timeout=timeout)
    out = None
    for _ in range(r.i32()):
        r.string()
        for _ in range(r.i32()):
            r.i32()
            err = r.i16()
            base = r.i64()
            r.i64()
            out = (err, base)
    r.i32()  # throttle
    if out is None:
        raise AssertionError("Produce response without a partition response")
    return out


# --- Idempotent producers ------------------------------------------------------------------------
INIT_PRODUCER_ID = 22


def init_producer_id_v0(conn, transactional_id=None, txn_timeout_ms=60000, timeout=None):
    """Returns (error_code, producer_id, producer_epoch)."""
    r = conn.request(INIT_PRODUCER_ID, 0, string(transactional_id) + i32(txn_timeout_ms), timeout=timeout)
    r.i32()  # throttle
    return r.i16(), r.i64(), r.i16()


def produce_idempotent(conn, topic, partition, producer_id, epoch, base_sequence, values, transactional=False):
    """One idempotent batch of values (acks=all); returns (error_code, base_offset)."""
    batch = record_batch([(None, v, ()) for v in values], attributes=0x10 if transactional else 0,
                         producer_id=producer_id, producer_epoch=epoch, base_sequence=base_sequence)
    return produce_v3(conn, topic, partition, batch)


# --- Fetch v4 -----------------------------------------------------------------------------------
def fetch_v4_body(topic, partition_offsets, max_wait_ms=500, min_bytes=1, max_bytes=52428800,
                  partition_max_bytes=10485760):
    """partition_offsets: {partition: fetch offset}. Response parsing is not needed by the
    tests that send it."""
    parts = sorted(partition_offsets.items())
    return (i32(-1) + i32(max_wait_ms) + i32(min_bytes) + i32(max_bytes) + i8(0)
            + array([topic], lambda t: string(t) + array(
                parts, lambda po: i32(po[0]) + i64(po[1]) + i32(partition_max_bytes))))


# --- ListOffsets v7 (flexible) ------------------------------------------------------------------
EARLIEST = -2
LATEST = -1
MAX_TIMESTAMP = -3


def list_offsets_v7(conn, topic, partition_timestamps, timeout=None):
    """partition_timestamps: {partition: timestamp}. Returns {partition: (err, ts, offset)}."""
    parts = sorted(partition_timestamps.items())
    body = (i32(-1) + i8(0)
            + compact_array([topic], lambda t: compact_string(t) + compact_array(
                parts, lambda pt: i32(pt[0]) + i32(-1) + i64(pt[1]) + TAGS) + TAGS)
            + TAGS)
    r = conn.request(LIST_OFFSETS, 7, body, flexible=True, timeout=timeout)
    r.i32()  # throttle
    out = {}
    for _ in range(r.uvarint() - 1):
        r.compact_string()
        for _ in range(r.uvarint() - 1):
            p = r.i32()
            err = r.i16()
            ts = r.i64()
            off = r.i64()
            r.i32()
            r.tags()
            out[p] = (err, ts, off)
        r.tags()
    r.tags()
    return out


# --- on-disk segments -----------------------------------------------------------------------------
def scan_segment(data, check_crc=True):
    """Walks the record batches of a .log segment (bytes). Returns (batches, end) where batches
    is a list of dicts(pos, size, base_offset, last_offset, count, crc_ok) for every complete
    batch from the start, and end is the byte position after the last complete batch."""
    batches = []
    pos = 0
    n = len(data)
    while pos + 61 <= n:
        base_offset, batch_len = struct.unpack_from(">qi", data, pos)
        size = 12 + batch_len
        if batch_len < 49 or pos + size > n:
            break
        magic = data[pos + 16]
        crc = struct.unpack_from(">I", data, pos + 17)[0]
        last_delta = struct.unpack_from(">i", data, pos + 23)[0]
        count = struct.unpack_from(">i", data, pos + 57)[0]
        crc_ok = (crc32c(data[pos + 21:pos + size]) == crc) if check_crc else None
        batches.append(dict(pos=pos, size=size, base_offset=base_offset, magic=magic,
                            last_offset=base_offset + last_delta, count=count, crc_ok=crc_ok))
        pos += size
    return batches, pos
