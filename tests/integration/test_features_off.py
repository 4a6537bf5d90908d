"""APIs whose feature Gregor does not have yet are answered as Kafka answers them with the
feature off, not with a closed connection (issue 12 item 18), and DescribeTopicPartitions
(KIP-966, item 15) pages a cluster's partitions as Kafka does. Raw requests over kwire."""
import pytest

import itlib
import kwire
from kwire import Conn, i8, i16, i32, i64, string, array, compact_string, compact_array, TAGS

SECURITY_DISABLED, ILLEGAL_SASL_STATE, DELEGATION_TOKEN_REQUEST_NOT_ALLOWED = 54, 34, 64
RESOURCE_NOT_FOUND, DUPLICATE_RESOURCE = 91, 92
NULL_STRING = i16(-1)


@pytest.fixture(scope="module")
def fb(module_broker_factory):
    return module_broker_factory()


@pytest.mark.parametrize("v", [0, 1])
def test_acl_apis_answer_security_disabled(fb, v):
    # v0 (served again, item 19) has no resource pattern type.
    pattern = lambda t: b"" if v == 0 else i8(t)  # noqa: E731
    with Conn(fb.host, fb.port) as c:
        # DescribeAcls: any resource, any pattern, any principal/host/operation/permission.
        body = i8(1) + NULL_STRING + pattern(1) + NULL_STRING + NULL_STRING + i8(1) + i8(1)
        r = c.request(29, v, body)
        r.i32()
        assert r.i16() == SECURITY_DISABLED
        assert "Authorizer" in (r.string() or "")
        # CreateAcls: two creations, each refused.
        creation = i8(2) + string("t") + pattern(3) + string("User:alice") + string("*") + i8(3) + i8(3)
        r = c.request(30, v, array([creation, creation]))
        r.i32()
        results = r.array(lambda rr: (rr.i16(), rr.string()))
        assert [e for e, _ in results] == [SECURITY_DISABLED] * 2, results
        # DeleteAcls: one filter.
        flt = i8(2) + NULL_STRING + pattern(1) + NULL_STRING + NULL_STRING + i8(1) + i8(1)
        r = c.request(31, v, array([flt]))
        r.i32()
        results = r.array(lambda rr: (rr.i16(), rr.string(), rr.array(lambda x: None)))
        assert results[0][0] == SECURITY_DISABLED, results
        assert r.remaining() == 0


def test_sasl_on_a_plaintext_listener_is_an_illegal_state(fb):
    with Conn(fb.host, fb.port) as c:
        r = c.request(17, 1, string("PLAIN"))
        assert r.i16() == ILLEGAL_SASL_STATE
        r = c.request(36, 1, i32(5) + b"\x00user")
        assert r.i16() == ILLEGAL_SASL_STATE
        # The connection stays usable.
        assert kwire.api_versions_v0(c)[0] == 0


@pytest.mark.parametrize("v", [0, 1])
def test_delegation_tokens_are_not_allowed_without_sasl(fb, v):
    with Conn(fb.host, fb.port) as c:
        r = c.request(38, v, array([]) + i64(-1))   # CreateDelegationToken
        assert r.i16() == DELEGATION_TOKEN_REQUEST_NOT_ALLOWED
        r = c.request(39, v, kwire.kbytes(b"hmac") + i64(1000))  # RenewDelegationToken
        assert r.i16() == DELEGATION_TOKEN_REQUEST_NOT_ALLOWED
        r = c.request(40, v, kwire.kbytes(b"hmac") + i64(-1))    # ExpireDelegationToken
        assert r.i16() == DELEGATION_TOKEN_REQUEST_NOT_ALLOWED
        r = c.request(41, v, i32(-1))               # DescribeDelegationToken, all owners
        assert r.i16() == DELEGATION_TOKEN_REQUEST_NOT_ALLOWED


def test_reassignments_quotas_and_scram_are_empty(fb):
    with Conn(fb.host, fb.port) as c:
        # ListPartitionReassignments v0 (flexible): all topics.
        r = c.request(46, 0, i32(60000) + kwire.uvarint(0) + TAGS, flexible=True)
        r.i32()
        assert r.i16() == 0
        r.compact_string()
        assert r.compact_array(lambda x: None) == []
        # DescribeClientQuotas v0: every entity.
        r = c.request(48, 0, array([]) + i8(0))
        r.i32()
        assert r.i16() == 0
        r.string()
        assert r.array(lambda x: None) == []
        # DescribeUserScramCredentials v0: all users (none), then named ones.
        r = c.request(50, 0, kwire.uvarint(0) + TAGS, flexible=True)
        r.i32()
        assert r.i16() == 0
        r.compact_string()
        assert r.compact_array(lambda x: None) == []
        users = compact_array(["alice", "bob", "bob"], lambda n: compact_string(n) + TAGS)
        r = c.request(50, 0, users + TAGS, flexible=True)
        r.i32()
        assert r.i16() == 0
        r.compact_string()
        results = r.compact_array(lambda x: (x.compact_string(), x.i16(), x.compact_string(),
                                             x.compact_array(lambda y: None), x.tags())[:2])
        assert sorted(results) == [("alice", RESOURCE_NOT_FOUND), ("bob", DUPLICATE_RESOURCE)], results


def describe_topic_partitions(c, topics, limit, cursor=None):
    body = compact_array(topics, lambda t: compact_string(t) + TAGS) + i32(limit)
    body += i8(-1) if cursor is None else i8(1) + compact_string(cursor[0]) + i32(cursor[1]) + TAGS
    r = c.request(75, 0, body + TAGS, flexible=True)
    r.i32()

    def partition(x):
        err, idx, leader, _epoch = x.i16(), x.i32(), x.i32(), x.i32()
        replicas = x.compact_array(lambda y: y.i32())
        isr = x.compact_array(lambda y: y.i32())
        x.compact_array(lambda y: y.i32())
        x.compact_array(lambda y: y.i32())
        x.compact_array(lambda y: y.i32())
        x.tags()
        return idx, err, leader, replicas, isr

    def topic(x):
        err, name = x.i16(), x.compact_string()
        x._take(16)
        x.boolean()
        parts = x.compact_array(partition)
        x.i32()
        x.tags()
        return name, err, parts

    out = r.compact_array(topic)
    nxt = None
    if r.i8() >= 0:
        nxt = (r.compact_string(), r.i32())
        r.tags()
    return out, nxt


def test_describe_topic_partitions_pages_with_a_cursor(fb):
    itlib.create_topic(fb.bootstrap, "dtp-a", 5)
    itlib.create_topic(fb.bootstrap, "dtp-b", 3)
    with Conn(fb.host, fb.port) as c:
        topics, nxt = describe_topic_partitions(c, ["dtp-b", "dtp-a", "dtp-missing"], 4)
        assert [(n, e, [p[0] for p in ps]) for n, e, ps in topics] == [("dtp-a", 0, [0, 1, 2, 3])]
        assert nxt == ("dtp-a", 4)
        assert all(p[2] == 1 and p[3] == [1] and p[4] == [1] for p in topics[0][2])
        topics, nxt = describe_topic_partitions(c, ["dtp-b", "dtp-a", "dtp-missing"], 4, nxt)
        assert [(n, e, [p[0] for p in ps]) for n, e, ps in topics] == [
            ("dtp-a", 0, [4]), ("dtp-b", 0, [0, 1, 2]), ("dtp-missing", kwire.UNKNOWN_TOPIC_OR_PARTITION, [])]
        assert nxt is None
