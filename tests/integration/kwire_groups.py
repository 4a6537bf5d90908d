"""Raw wire encoders/decoders for the consumer-group APIs, on top of kwire.py: FindCoordinator
(v1, v4), JoinGroup (v3, v5), SyncGroup v3, Heartbeat v3, LeaveGroup v3, OffsetCommit v7,
OffsetFetch (v5, and the multi-group v8), DescribeGroups v4, ListGroups (v0, v4), DeleteGroups v1,
OffsetDelete v0, and the consumer protocol's Subscription/Assignment v0.

Non-flexible versions are used wherever the feature under test exists in one; OffsetFetch v8,
ListGroups v4 and FindCoordinator v4 are flexible (compact strings/arrays, tagged fields).
Every call sends one request on a kwire.Conn and decodes its response; the send_*/recv_* pairs
exist for JoinGroup and SyncGroup, which the broker may hold until a rebalance completes.
"""
import time

from kwire import (TAGS, Reader, array, compact_array, compact_string, i8, i16, i32, i64,
                   kbytes, string)

# --- api keys ------------------------------------------------------------------------------
OFFSET_COMMIT = 8
OFFSET_FETCH = 9
FIND_COORDINATOR = 10
JOIN_GROUP = 11
HEARTBEAT = 12
LEAVE_GROUP = 13
SYNC_GROUP = 14
DESCRIBE_GROUPS = 15
LIST_GROUPS = 16
DELETE_GROUPS = 42
OFFSET_DELETE = 47

# --- error codes ---------------------------------------------------------------------------
NONE = 0
UNKNOWN_TOPIC_OR_PARTITION = 3
OFFSET_METADATA_TOO_LARGE = 12
COORDINATOR_LOAD_IN_PROGRESS = 14
COORDINATOR_NOT_AVAILABLE = 15
NOT_COORDINATOR = 16
ILLEGAL_GENERATION = 22
INCONSISTENT_GROUP_PROTOCOL = 23
INVALID_GROUP_ID = 24
UNKNOWN_MEMBER_ID = 25
INVALID_SESSION_TIMEOUT = 26
REBALANCE_IN_PROGRESS = 27
NON_EMPTY_GROUP = 68
GROUP_ID_NOT_FOUND = 69
MEMBER_ID_REQUIRED = 79
FENCED_INSTANCE_ID = 82
GROUP_SUBSCRIBED_TO_TOPIC = 86

# Errors a client retries (the coordinator is loading or moving).
RETRIABLE = {COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR}

ERROR_NAMES = {v: k for k, v in dict(globals()).items()
               if k.isupper() and isinstance(v, int) and k not in (
                   "OFFSET_COMMIT", "OFFSET_FETCH", "FIND_COORDINATOR", "JOIN_GROUP", "HEARTBEAT",
                   "LEAVE_GROUP", "SYNC_GROUP", "DESCRIBE_GROUPS", "LIST_GROUPS",
                   "DELETE_GROUPS", "OFFSET_DELETE")}


def ename(code):
    return f"{ERROR_NAMES.get(code, '?')}({code})"


def nullable_string(s):
    return string(s)  # kwire.string encodes None as length -1


# --- consumer protocol (embedded in JoinGroup/SyncGroup bytes) --------------------------------
def subscription_v0(topics, user_data=b""):
    return i16(0) + array(list(topics), string) + kbytes(user_data)


def assignment_v0(parts):
    """parts: {topic: [partition, ...]}."""
    items = sorted(parts.items())
    return i16(0) + array(items, lambda tp: string(tp[0]) + array(list(tp[1]), i32)) + kbytes(b"")


def parse_subscription(b):
    r = Reader(b)
    version = r.i16()
    topics = r.array(lambda rr: rr.string())
    return version, topics


def parse_assignment(b):
    """{topic: [partitions]} (an empty or null assignment gives {})."""
    if not b:
        return {}
    r = Reader(b)
    r.i16()
    out = {}
    for _ in range(r.i32()):
        t = r.string()
        out[t] = r.array(lambda rr: rr.i32())
    return out


# --- FindCoordinator -----------------------------------------------------------------------
def find_coordinator_v1(conn, key, key_type=0, timeout=None):
    """Returns dict(error, message, node_id, host, port)."""
    r = conn.request(FIND_COORDINATOR, 1, string(key) + i8(key_type), timeout=timeout)
    r.i32()
    return dict(error=r.i16(), message=r.string(), node_id=r.i32(), host=r.string(),
                port=r.i32())


def find_coordinator_v4(conn, keys, key_type=0, timeout=None):
    """Batched lookup. Returns [dict(key, node_id, host, port, error, message)]."""
    body = i8(key_type) + compact_array(list(keys), compact_string) + TAGS
    r = conn.request(FIND_COORDINATOR, 4, body, flexible=True, timeout=timeout)
    r.i32()
    out = []
    for _ in range(r.uvarint() - 1):
        c = dict(key=r.compact_string(), node_id=r.i32(), host=r.compact_string(),
                 port=r.i32(), error=r.i16(), message=r.compact_string())
        r.tags()
        out.append(c)
    r.tags()
    return out


# --- JoinGroup -----------------------------------------------------------------------------
def join_group_v5_body(group, member_id="", instance_id=None, session_timeout_ms=10000,
                       rebalance_timeout_ms=10000, protocol_type="consumer", protocols=None):
    """protocols: [(name, metadata bytes)]; default one 'range' protocol with an empty
    subscription."""
    if protocols is None:
        protocols = [("range", subscription_v0([]))]
    return (string(group) + i32(session_timeout_ms) + i32(rebalance_timeout_ms)
            + string(member_id) + nullable_string(instance_id) + string(protocol_type)
            + array(protocols, lambda p: string(p[0]) + kbytes(p[1])))


def join_group_v3_body(group, member_id="", session_timeout_ms=10000, rebalance_timeout_ms=10000,
                       protocol_type="consumer", protocols=None):
    if protocols is None:
        protocols = [("range", subscription_v0([]))]
    return (string(group) + i32(session_timeout_ms) + i32(rebalance_timeout_ms)
            + string(member_id) + string(protocol_type)
            + array(protocols, lambda p: string(p[0]) + kbytes(p[1])))


def send_join_group(conn, version=5, **kw):
    """Sends JoinGroup without waiting; returns the correlation id for recv_join_group."""
    body = join_group_v5_body(**kw) if version == 5 else join_group_v3_body(**kw)
    return conn.send_request(JOIN_GROUP, version, body)


def recv_join_group(conn, corr, version=5, timeout=None):
    """Returns dict(error, generation, protocol_name, leader, member_id,
    members=[(member_id, instance_id, metadata)])."""
    r = conn.recv_response(corr, timeout=timeout)
    r.i32()
    out = dict(error=r.i16(), generation=r.i32(), protocol_name=r.string(), leader=r.string(),
               member_id=r.string())
    if version >= 5:
        out["members"] = r.array(lambda rr: (rr.string(), rr.string(), _bytes(rr))) or []
    else:
        out["members"] = r.array(lambda rr: (rr.string(), None, _bytes(rr))) or []
    return out


def join_group(conn, version=5, timeout=None, **kw):
    return recv_join_group(conn, send_join_group(conn, version, **kw), version, timeout)


def _bytes(r):
    n = r.i32()
    return None if n < 0 else r._take(n)


# --- SyncGroup -----------------------------------------------------------------------------
def send_sync_group(conn, group, generation, member_id, instance_id=None, assignments=None):
    """assignments: {member_id: assignment bytes} (the leader's); followers send {}."""
    items = sorted((assignments or {}).items())
    body = (string(group) + i32(generation) + string(member_id) + nullable_string(instance_id)
            + array(items, lambda a: string(a[0]) + kbytes(a[1])))
    return conn.send_request(SYNC_GROUP, 3, body)


def recv_sync_group(conn, corr, timeout=None):
    """Returns (error, assignment bytes)."""
    r = conn.recv_response(corr, timeout=timeout)
    r.i32()
    err = r.i16()
    return err, _bytes(r)


def sync_group(conn, group, generation, member_id, instance_id=None, assignments=None,
               timeout=None):
    return recv_sync_group(conn, send_sync_group(conn, group, generation, member_id,
                                                 instance_id, assignments), timeout)


# --- Heartbeat / LeaveGroup -----------------------------------------------------------------
def heartbeat(conn, group, generation, member_id, instance_id=None, timeout=None):
    body = string(group) + i32(generation) + string(member_id) + nullable_string(instance_id)
    r = conn.request(HEARTBEAT, 3, body, timeout=timeout)
    r.i32()
    return r.i16()


def leave_group(conn, group, members, timeout=None):
    """members: [(member_id, instance_id)]. Returns (error, [(member_id, instance_id, error)])."""
    body = string(group) + array(list(members),
                                 lambda m: string(m[0]) + nullable_string(m[1]))
    r = conn.request(LEAVE_GROUP, 3, body, timeout=timeout)
    r.i32()
    err = r.i16()
    return err, r.array(lambda rr: (rr.string(), rr.string(), rr.i16())) or []


# --- OffsetCommit / OffsetFetch / OffsetDelete ----------------------------------------------
def offset_commit(conn, group, offsets, generation=-1, member_id="", instance_id=None,
                  metadata="", timeout=None):
    """offsets: {(topic, partition): offset}. OffsetCommit v7.
    Returns {(topic, partition): error}."""
    by_topic = {}
    for (t, p), o in sorted(offsets.items()):
        by_topic.setdefault(t, []).append((p, o))
    body = (string(group) + i32(generation) + string(member_id) + nullable_string(instance_id)
            + array(sorted(by_topic.items()), lambda tp: string(tp[0]) + array(
                tp[1], lambda po: i32(po[0]) + i64(po[1]) + i32(-1) + nullable_string(metadata))))
    r = conn.request(OFFSET_COMMIT, 7, body, timeout=timeout)
    r.i32()
    out = {}
    for _ in range(r.i32()):
        t = r.string()
        for _ in range(r.i32()):
            p = r.i32()
            out[(t, p)] = r.i16()
    return out


def offset_fetch_v5(conn, group, partitions=None, timeout=None):
    """partitions: {topic: [p...]} or None for all. Returns (error,
    {(topic, p): (offset, metadata, error)})."""
    if partitions is None:
        topics = i32(-1)
    else:
        topics = array(sorted(partitions.items()),
                       lambda tp: string(tp[0]) + array(list(tp[1]), i32))
    r = conn.request(OFFSET_FETCH, 5, string(group) + topics, timeout=timeout)
    r.i32()
    out = {}
    for _ in range(r.i32()):
        t = r.string()
        for _ in range(r.i32()):
            p = r.i32()
            off = r.i64()
            r.i32()  # leader epoch
            md = r.string()
            out[(t, p)] = (off, md, r.i16())
    return r.i16(), out


def offset_fetch_v8(conn, groups, require_stable=False, timeout=None):
    """groups: {group_id: {topic: [p...]} or None (all)}. Returns
    {group_id: (error, {(topic, p): (offset, metadata, error)})}."""
    def enc_group(item):
        g, parts = item
        if parts is None:
            topics = uvarint0()
        else:
            topics = compact_array(sorted(parts.items()), lambda tp: compact_string(tp[0])
                                   + compact_array(list(tp[1]), i32) + TAGS)
        return compact_string(g) + topics + TAGS

    body = compact_array(list(groups.items()), enc_group) + i8(1 if require_stable else 0) + TAGS
    r = conn.request(OFFSET_FETCH, 8, body, flexible=True, timeout=timeout)
    r.i32()
    out = {}
    for _ in range(r.uvarint() - 1):
        g = r.compact_string()
        offs = {}
        for _ in range(r.uvarint() - 1):
            t = r.compact_string()
            for _ in range(r.uvarint() - 1):
                p = r.i32()
                off = r.i64()
                r.i32()
                md = r.compact_string()
                err = r.i16()
                r.tags()
                offs[(t, p)] = (off, md, err)
            r.tags()
        err = r.i16()
        r.tags()
        out[g] = (err, offs)
    r.tags()
    return out


def uvarint0():
    return b"\x00"  # a null compact array


def offset_delete(conn, group, partitions, timeout=None):
    """partitions: {topic: [p...]}. Returns (error, {(topic, p): error})."""
    body = string(group) + array(sorted(partitions.items()),
                                 lambda tp: string(tp[0]) + array(list(tp[1]), i32))
    r = conn.request(OFFSET_DELETE, 0, body, timeout=timeout)
    err = r.i16()
    r.i32()
    out = {}
    for _ in range(r.i32()):
        t = r.string()
        for _ in range(r.i32()):
            p = r.i32()
            out[(t, p)] = r.i16()
    return err, out


# --- DescribeGroups / ListGroups / DeleteGroups -----------------------------------------------
def describe_groups(conn, groups, timeout=None):
    """DescribeGroups v4. Returns {group_id: dict(error, state, protocol_type, protocol,
    members=[dict(member_id, instance_id, client_id, client_host, metadata, assignment)])}."""
    r = conn.request(DESCRIBE_GROUPS, 4, array(list(groups), string) + i8(0), timeout=timeout)
    r.i32()
    out = {}
    for _ in range(r.i32()):
        err = r.i16()
        gid = r.string()
        d = dict(error=err, state=r.string(), protocol_type=r.string(), protocol=r.string())
        d["members"] = r.array(lambda rr: dict(
            member_id=rr.string(), instance_id=rr.string(), client_id=rr.string(),
            client_host=rr.string(), metadata=_bytes(rr), assignment=_bytes(rr))) or []
        r.i32()  # authorized operations
        out[gid] = d
    return out


def list_groups_v0(conn, timeout=None):
    """Returns (error, {group_id: protocol_type})."""
    r = conn.request(LIST_GROUPS, 0, b"", timeout=timeout)
    err = r.i16()
    return err, dict(r.array(lambda rr: (rr.string(), rr.string())) or [])


def list_groups_v4(conn, states=(), timeout=None):
    """Returns (error, {group_id: (protocol_type, state)})."""
    body = compact_array(list(states), compact_string) + TAGS
    r = conn.request(LIST_GROUPS, 4, body, flexible=True, timeout=timeout)
    r.i32()
    err = r.i16()
    out = {}
    for _ in range(r.uvarint() - 1):
        g = r.compact_string()
        pt = r.compact_string()
        st = r.compact_string()
        r.tags()
        out[g] = (pt, st)
    r.tags()
    return err, out


def delete_groups(conn, groups, timeout=None):
    """DeleteGroups v1. Returns {group_id: error}."""
    r = conn.request(DELETE_GROUPS, 1, array(list(groups), string), timeout=timeout)
    r.i32()
    return dict(r.array(lambda rr: (rr.string(), rr.i16())) or [])


# --- higher-level helpers ------------------------------------------------------------------
def retry(fn, what, timeout=20.0, ok=lambda res: True, err_of=None, interval=0.1):
    """Calls fn() until it returns without a retriable coordinator error (as read by err_of)
    and ok(result) holds; raises AssertionError with the last result at the deadline."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            res = fn()
            last = res
            e = err_of(res) if err_of else None
            if e not in RETRIABLE and ok(res):
                return res
        except (OSError, TimeoutError, ValueError) as ex:
            last = repr(ex)
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: no acceptable answer within {timeout}s "
                                 f"(last: {last})")
        time.sleep(interval)


def wait_coordinator(host, port, group="probe", timeout=20.0):
    """Waits until FindCoordinator v1 for `group` answers NONE. Returns the answer."""
    import kwire

    def ask():
        with kwire.Conn(host, port, timeout=5.0) as c:
            return find_coordinator_v1(c, group, timeout=5.0)

    return retry(ask, f"FindCoordinator({group!r})", timeout=timeout,
                 err_of=lambda r: r["error"], ok=lambda r: r["error"] == NONE)


class RawMember:
    """A group member spoken for by hand: JoinGroup v5 (with the MEMBER_ID_REQUIRED round
    trip), SyncGroup v3, Heartbeat v3, LeaveGroup v3 on its own connection."""

    def __init__(self, host, port, group, topics=(), instance_id=None, session_timeout_ms=10000,
                 rebalance_timeout_ms=10000, protocol="range", timeout=30.0):
        import kwire
        self.conn = kwire.Conn(host, port, timeout=timeout)
        self.group = group
        self.topics = list(topics)
        self.instance_id = instance_id
        self.session_timeout_ms = session_timeout_ms
        self.rebalance_timeout_ms = rebalance_timeout_ms
        self.protocol = protocol
        self.member_id = ""
        self.generation = -1
        self.leader = None
        self.join_resp = None
        self._pending = None

    def close(self):
        self.conn.close()

    def _join_kw(self):
        return dict(group=self.group, member_id=self.member_id, instance_id=self.instance_id,
                    session_timeout_ms=self.session_timeout_ms,
                    rebalance_timeout_ms=self.rebalance_timeout_ms,
                    protocols=[(self.protocol, subscription_v0(self.topics))])

    def get_member_id(self):
        """First join with an empty id: a dynamic member gets MEMBER_ID_REQUIRED and its id."""
        assert self.instance_id is None
        resp = join_group(self.conn, **self._join_kw())
        assert resp["error"] == MEMBER_ID_REQUIRED, f"first JoinGroup v5: {resp}"
        assert resp["member_id"], f"MEMBER_ID_REQUIRED without a member id: {resp}"
        self.member_id = resp["member_id"]
        return resp

    def send_join(self):
        self._pending = send_join_group(self.conn, **self._join_kw())

    def recv_join(self, timeout=None):
        resp = recv_join_group(self.conn, self._pending, timeout=timeout)
        self._pending = None
        self.join_resp = resp
        if resp["error"] == NONE:
            self.member_id = resp["member_id"]
            self.generation = resp["generation"]
            self.leader = resp["leader"]
        return resp

    def join(self, timeout=None):
        if not self.member_id and self.instance_id is None:
            self.get_member_id()
        self.send_join()
        return self.recv_join(timeout)

    def sync(self, assignments=None, timeout=None):
        return sync_group(self.conn, self.group, self.generation, self.member_id,
                          self.instance_id, assignments, timeout)

    def heartbeat(self, generation=None, member_id=None):
        return heartbeat(self.conn, self.group,
                         self.generation if generation is None else generation,
                         self.member_id if member_id is None else member_id, self.instance_id)

    def leave(self):
        return leave_group(self.conn, self.group, [(self.member_id, self.instance_id)])

    def commit(self, offsets, generation=None):
        return offset_commit(self.conn, self.group, offsets,
                             self.generation if generation is None else generation,
                             self.member_id, self.instance_id)
