"""The gregor operator commands against a running broker: topics alter, configs describe/alter,
the console producer and consumer (produce/consume), and the consumer-group commands
(groups list/describe/reset-offsets/delete, consume --group)."""
import json
import re
import time

import pytest
from confluent_kafka import Consumer, KafkaException, TopicPartition

import itlib


def gregor(*args, input=None, timeout=120, check=True):
    rc, out, err = itlib.run_checked([itlib.GREGOR_BIN, *args], timeout, input=input)
    out, err = out.decode(errors="replace"), err.decode(errors="replace")
    if check and rc != 0:
        raise AssertionError(f"gregor {' '.join(map(str, args))} exited {rc}\n"
                             f"--- stdout ---\n{out[-3000:]}\n--- stderr ---\n{err[-3000:]}")
    return rc, out, err


def gregor_json(*args, **kw):
    _, out, _ = gregor(*args, "--output", "json", **kw)
    return json.loads(out)


@pytest.fixture(scope="module")
def shared(module_broker_factory):
    # No initial rebalance delay, so that group members join in well under a second.
    return module_broker_factory(settings={"group.initial.rebalance.delay.ms": 0})


def bs(broker):
    return ["--bootstrap-server", broker.bootstrap]


def topic_configs(broker, topic):
    [t] = gregor_json("topics", "describe", topic, *bs(broker))
    return t["configs"]


# --- topics alter ------------------------------------------------------------------------------
def test_topics_alter_partitions_and_configs(shared):
    topic = "ops-alter"
    itlib.create_topic(shared.bootstrap, topic, 2)
    _, out, _ = gregor("topics", "alter", topic, "--partitions", 5, "--config", "retention.ms=123456",
                       "--config", "cleanup.policy=compact", *bs(shared))
    assert "5 partitions" in out and "Completed updating config for topic ops-alter." in out, out
    itlib.wait_topic(shared.bootstrap, topic, 5)

    # describe: leader, replicas and ISR per partition, text and JSON.
    _, out, _ = gregor("topics", "describe", topic, *bs(shared))
    rows = re.findall(r"Partition: (\d+)\tLeader: (\S+)\tReplicas: (\S+)\tIsr: (\S+)", out)
    assert sorted(rows) == [(str(p), "1", "1", "1") for p in range(5)], out
    assert "retention.ms=123456" in out and "cleanup.policy=compact" in out, out
    [t] = gregor_json("topics", "describe", topic, *bs(shared))
    assert [p["partition"] for p in t["partitions"]] == list(range(5)), t
    assert all(p["leader"] == 1 and p["replicas"] == [1] and p["isr"] == [1] for p in t["partitions"]), t
    assert t["configs"] == {"cleanup.policy": "compact", "retention.ms": "123456"}, t
    assert topic in gregor_json("topics", "list", *bs(shared))

    # Deleting one config keeps the other (AlterConfigs replaces the whole set underneath).
    gregor("topics", "alter", "--topic", topic, "--delete-config", "cleanup.policy", *bs(shared))
    assert topic_configs(shared, topic) == {"retention.ms": "123456"}

    # Errors: shrinking, deleting a config that is not set, an unknown topic.
    rc, out, err = gregor("topics", "alter", topic, "--partitions", 3, *bs(shared), check=False)
    assert rc != 0 and err.startswith("gregor: ") and "INVALID_PARTITIONS" in err, (rc, out, err)
    rc, _, err = gregor("topics", "alter", topic, "--delete-config", "segment.ms", *bs(shared), check=False)
    assert rc != 0 and "Invalid config(s): segment.ms" in err, err
    rc, _, err = gregor("topics", "alter", "ops-no-such-topic", "--partitions", 3, *bs(shared), check=False)
    assert rc != 0 and "UNKNOWN_TOPIC_OR_PART" in err, err
    itlib.wait_topic(shared.bootstrap, topic, 5)


# --- configs -----------------------------------------------------------------------------------
def test_configs_describe_alter_topic(shared):
    topic = "ops-configs"
    itlib.create_topic(shared.bootstrap, topic, 1)
    ent = ["--entity-type", "topics", "--entity-name", topic]
    _, out, _ = gregor("configs", "describe", *ent, *bs(shared))
    assert out == f"Dynamic configs for topic {topic} are:\n", out

    _, out, _ = gregor("configs", "alter", *ent, "--add-config",
                       "retention.ms=86400000,max.message.bytes=200000,cleanup.policy=[compact,delete]",
                       *bs(shared))
    assert out.strip() == f"Completed updating config for topic {topic}.", out
    _, out, _ = gregor("configs", "describe", *ent, *bs(shared))
    assert out.startswith(f"Dynamic configs for topic {topic} are:\n"), out
    assert re.search(r"^  retention.ms=86400000 sensitive=false read-only=false "
                     r"source=DYNAMIC_TOPIC_CONFIG synonyms=\{.*DYNAMIC_TOPIC_CONFIG:retention.ms=86400000",
                     out, re.M), out
    assert "  max.message.bytes=200000 sensitive=false" in out, out
    assert "  cleanup.policy=compact,delete sensitive=false" in out, out

    [d] = gregor_json("configs", "describe", *ent, *bs(shared))
    assert d["entity_type"] == "topics" and d["entity_name"] == topic, d
    shown = {c["name"]: c for c in d["configs"]}
    assert set(shown) == {"retention.ms", "max.message.bytes", "cleanup.policy"}, shown
    assert all(c["source"] == "DYNAMIC_TOPIC_CONFIG" and not c["default"] for c in shown.values())

    # --all: every key, defaults included.
    [d] = gregor_json("configs", "describe", *ent, "--all", *bs(shared))
    every = {c["name"]: c for c in d["configs"]}
    assert every["segment.bytes"]["source"] in ("DEFAULT_CONFIG", "STATIC_BROKER_CONFIG"), every["segment.bytes"]
    assert every["retention.ms"]["value"] == "86400000"
    _, out, _ = gregor("configs", "describe", *ent, "--all", *bs(shared))
    assert out.startswith(f"All configs for topic {topic} are:\n") and "  segment.bytes=" in out, out

    # Delete two and change one; the untouched one stays.
    gregor("configs", "alter", *ent, "--delete-config", "retention.ms,cleanup.policy",
           "--add-config", "max.message.bytes=300000", *bs(shared))
    assert topic_configs(shared, topic) == {"max.message.bytes": "300000"}

    # Errors are clear and non-zero.
    rc, _, err = gregor("configs", "alter", *ent, "--delete-config", "retention.ms", *bs(shared), check=False)
    assert rc == 1 and "Invalid config(s): retention.ms" in err, err
    rc, _, err = gregor("configs", "alter", *ent, "--add-config", "retention.ms=abc", *bs(shared), check=False)
    assert rc == 1 and err.startswith("gregor: cannot alter configs of topic") and "INVALID_CONFIG" in err, err
    rc, _, err = gregor("configs", "describe", "--entity-type", "topics", "--entity-name", "ops-nope",
                        *bs(shared), check=False)
    assert rc == 1 and "UNKNOWN_TOPIC_OR_PART" in err, err
    rc, _, err = gregor("configs", "alter", *ent, *bs(shared), check=False)
    assert rc != 0, err
    assert topic_configs(shared, topic) == {"max.message.bytes": "300000"}


def test_configs_describe_alter_broker(shared):
    ent = ["--entity-type", "brokers", "--entity-name", "1"]
    [d] = gregor_json("configs", "describe", *ent, "--all", *bs(shared))
    every = {c["name"]: c for c in d["configs"]}
    assert "num.partitions" in every and "log.dirs" in every, sorted(every)[:20]
    assert every["log.dirs"]["read_only"] is True, every["log.dirs"]

    gregor("configs", "alter", *ent, "--add-config", "log.retention.bytes=1073741824", *bs(shared))
    _, out, _ = gregor("configs", "describe", *ent, *bs(shared))
    assert out.startswith("Dynamic configs for broker 1 are:\n"), out
    assert "  log.retention.bytes=1073741824 sensitive=false read-only=false source=DYNAMIC_BROKER_CONFIG" in out, out
    gregor("configs", "alter", *ent, "--delete-config", "log.retention.bytes", *bs(shared))
    [d] = gregor_json("configs", "describe", *ent, *bs(shared))
    assert "log.retention.bytes" not in {c["name"] for c in d["configs"]}, d

    # Every broker when no name is given.
    _, out, _ = gregor("configs", "describe", "--entity-type", "brokers", *bs(shared))
    assert out.startswith("Dynamic configs for broker 1 are:"), out
    # A read-only key and a broker that does not exist fail.
    rc, _, err = gregor("configs", "alter", *ent, "--add-config", "log.dirs=/tmp/x", *bs(shared), check=False)
    assert rc == 1 and err.startswith("gregor: "), err
    rc, _, err = gregor("configs", "describe", "--entity-type", "brokers", "--entity-name", "7",
                        "--timeout-ms", 5000, *bs(shared), check=False)
    assert rc == 1 and err.startswith("gregor: "), err


# --- console producer and consumer -------------------------------------------------------------
def test_produce_consume_round_trip_with_keys_and_headers(shared):
    topic = "ops-console"
    itlib.create_topic(shared.bootstrap, topic, 1)
    lines = ["k1:hello", "k2:wörld: with colon", ":empty key", "k4:"]
    gregor("produce", "--topic", topic, "--property", "parse.key=true", "--property", "key.separator=:",
           "--header", "app=gregor", "--header", "trace=t-1", *bs(shared),
           input=("\n".join(lines) + "\n").encode())

    # An independent client sees exactly what was sent.
    got = itlib.confluent_consume(shared.bootstrap, topic, {0: 4})[0]
    assert [(m.key, m.value) for m in got] == [
        (b"k1", b"hello"), (b"k2", "wörld: with colon".encode()), (b"", b"empty key"), (b"k4", b"")]
    assert all(m.headers == [("app", b"gregor"), ("trace", b"t-1")] for m in got), got[0].headers

    rc, out, err = gregor("consume", "--topic", topic, "--from-beginning", "--max-messages", 4,
                          "--property", "print.key=true", "print.offset=true", "print.partition=true",
                          "print.headers=true", "print.timestamp=true", "key.separator=|",
                          "--timeout-ms", 20000, *bs(shared))
    printed = out.splitlines()
    assert len(printed) == 4, out
    for i, (line, m) in enumerate(zip(printed, got)):
        ts, part, off, headers, key, value = line.split("|", 5)
        assert ts == f"CreateTime:{m.ts}" and part == "Partition:0" and off == f"Offset:{i}", line
        assert headers == "app:gregor,trace:t-1", line
        assert (key.encode(), value.encode()) == (m.key, m.value), line
    assert "Processed a total of 4 messages" in err, err

    # Default format: the value only. --timeout-ms ends a run that wants more than there is.
    t0 = time.monotonic()
    rc, out, err = gregor("consume", "--topic", topic, "--from-beginning", "--max-messages", 100,
                          "--timeout-ms", 3000, *bs(shared))
    assert rc == 0 and out.splitlines() == ["hello", "wörld: with colon", "empty key", ""], out
    assert "Processed a total of 4 messages" in err and time.monotonic() - t0 < 60, err

    # One partition from an offset.
    _, out, err = gregor("consume", "--topic", topic, "--partition", 0, "--offset", 2, "--max-messages", 2,
                         "--property", "print.offset=true", "--timeout-ms", 20000, *bs(shared))
    assert out.splitlines() == ["Offset:2\tempty key", "Offset:3\t"], out


def test_produce_parses_headers_null_marker_and_partition(shared):
    topic = "ops-console-headers"
    itlib.create_topic(shared.bootstrap, topic, 3)
    lines = ["h1:a,h2:b\tkey-1\tvalue-1", "\tNULL\tvalue-2", "h1:NULL\tkey-3\tNULL"]
    gregor("produce", "--topic", topic, "--partition", 2, "--reader-property", "parse.headers=true",
           "parse.key=true", "null.marker=NULL", "--acks", "1", *bs(shared),
           input=("\n".join(lines) + "\n").encode())
    assert itlib.watermarks(shared.bootstrap, topic, [0, 1, 2]) == {0: (0, 0), 1: (0, 0), 2: (0, 3)}
    _, out, _ = gregor("consume", "--topic", topic, "--from-beginning", "--max-messages", 3,
                       "--property", "print.key=true", "print.headers=true", "null.literal=<null>",
                       "--timeout-ms", 20000, *bs(shared))
    assert out.splitlines() == ["h1:a,h2:b\tkey-1\tvalue-1", "NO_HEADERS\t<null>\tvalue-2",
                                "h1:<null>\tkey-3\t<null>"], out


def test_console_errors_are_clear_and_non_zero(shared):
    topic = "ops-console-errors"
    itlib.create_topic(shared.bootstrap, topic, 1)
    rc, _, err = gregor("produce", "--topic", topic, "--property", "parse.key=true", *bs(shared),
                        input=b"k\tgood\nno separator here\nk\tnever sent\n", check=False)
    assert rc == 1 and "No key separator found on line number 2: 'no separator here'" in err, err
    assert itlib.watermarks(shared.bootstrap, topic, [0])[0] == (0, 1)

    rc, _, err = gregor("consume", "--topic", "ops-no-such-topic", "--timeout-ms", 2000, *bs(shared), check=False)
    assert rc == 1 and "does not exist" in err, err
    rc, _, err = gregor("consume", "--topic", topic, "--partition", 9, "--timeout-ms", 2000, *bs(shared),
                        check=False)
    assert rc == 1 and "partition 9" in err, err
    rc, _, err = gregor("consume", "--topic", topic, "--property", "print.kye=true", *bs(shared), check=False)
    assert rc == 1 and "unknown formatter property 'print.kye'" in err, err
    rc, _, err = gregor("produce", "--topic", topic, "--property", "parse.keys=true", *bs(shared),
                        input=b"x\n", check=False)
    assert rc == 1 and "unknown reader property" in err, err


# --- consumer groups ---------------------------------------------------------------------------
def group_consumer(broker, group, **extra):
    conf = {"bootstrap.servers": broker.bootstrap, "group.id": group, "enable.auto.commit": False,
            "auto.offset.reset": "earliest", "session.timeout.ms": 6000, "socket.timeout.ms": 10000}
    conf.update(extra)
    return Consumer(conf)


def consume_in_group(broker, group, topic, n, timeout=60.0):
    """Joins the group, reads n records, commits exactly after them, leaves. Returns the
    (partition, offset) pairs read."""
    c = group_consumer(broker, group)
    got = []
    try:
        c.subscribe([topic])
        deadline = time.monotonic() + timeout
        while len(got) < n:
            itlib.check_alive()
            assert time.monotonic() < deadline, f"read {len(got)} of {n} in group {group}"
            m = c.poll(0.5)
            if m is None or m.error():
                continue
            got.append((m.partition(), m.offset()))
        last = {}
        for p, o in got:
            last[p] = max(last.get(p, -1), o)
        c.commit(offsets=[TopicPartition(topic, p, o + 1) for p, o in last.items()], asynchronous=False)
    finally:
        c.close()
    return got


def commit_offsets(broker, group, topic, offsets):
    """Commits {partition: offset} for the group without joining it."""
    c = group_consumer(broker, group)
    try:
        c.commit(offsets=[TopicPartition(topic, p, o) for p, o in offsets.items()], asynchronous=False)
    finally:
        c.close()


def describe(broker, group):
    [d] = gregor_json("groups", "describe", group, *bs(broker))
    return d


def committed(broker, group):
    return {(r["topic"], r["partition"]): r["current_offset"] for r in describe(broker, group)["offsets"]}


def produce_per_partition(broker, topic, partitions, n, base_ts=None):
    """n records in each partition, record i with timestamp base_ts + i * 1000."""
    base_ts = base_ts or itlib.now_ms() - 3_600_000
    recs = [itlib.Rec(b"%d-%d" % (p, i), b"v-%d-%d" % (p, i), [], base_ts + i * 1000, p)
            for p in range(partitions) for i in range(n)]
    itlib.confluent_produce(broker.bootstrap, topic, recs)
    return base_ts


def next_in_group(broker, group, topic, partition=None):
    """The offset of the first record `gregor consume --group` reads (it commits after it)."""
    args = ["consume", "--topic", topic, "--group", group, "--max-messages", 1, "--timeout-ms", 30000,
            "--property", "print.offset=true", "print.partition=true", "print.value=false"]
    if partition is not None:
        args += ["--partition", partition, "--offset", "latest"]
    _, out, _ = gregor(*args, *bs(broker))
    m = re.fullmatch(r"Partition:(\d+)\tOffset:(\d+)\n", out)
    assert m, out
    return int(m.group(1)), int(m.group(2))


def test_groups_list_and_describe_lag(shared):
    topic, group = "ops-lag", "ops-lag-group"
    itlib.create_topic(shared.bootstrap, topic, 3)
    produce_per_partition(shared, topic, 3, 10)
    read = consume_in_group(shared, group, topic, 12)
    assert len(read) == 12

    assert group in gregor("groups", "list", *bs(shared))[1].split()
    # The group's offsets live in the internal topic, listed unless --exclude-internal.
    assert "__consumer_offsets" in gregor("topics", "list", *bs(shared))[1].split()
    assert "__consumer_offsets" not in gregor("topics", "list", "--exclude-internal", *bs(shared))[1].split()
    _, out, _ = gregor("groups", "list", "--state", *bs(shared))
    assert re.search(rf"^{group}\s+Empty$", out, re.M), out
    listed = gregor_json("groups", "list", "--state", "empty", *bs(shared))
    assert any(g["group"] == group and g["state"] == "Empty" for g in listed), listed
    assert not any(g["group"] == group for g in gregor_json("groups", "list", "--state", "Stable", *bs(shared)))

    d = describe(shared, group)
    assert d["state"] == "Empty" and d["coordinator"]["id"] == 1 and d["members"] == [], d
    # A row per partition with a committed offset (one the consumer never read from has none).
    rows = {r["partition"]: r for r in d["offsets"]}
    assert set(rows) == {p for p, _ in read}, (d, read)
    for r in rows.values():
        assert r["topic"] == topic and r["log_end_offset"] == 10 and r["leader"] == 1, r
        assert r["lag"] == 10 - r["current_offset"], r
    assert sum(r["current_offset"] for r in rows.values()) == 12
    unread = 10 * (3 - len(rows))
    assert sum(r["lag"] for r in rows.values()) + unread == 30 - 12

    _, out, _ = gregor("groups", "describe", group, *bs(shared))
    assert re.search(r"^GROUP\s+TOPIC\s+PARTITION\s+CURRENT-OFFSET\s+LOG-END-OFFSET\s+LAG\s+CONSUMER-ID\s+"
                     r"HOST\s+CLIENT-ID\s+LEADER$", out, re.M), out
    assert re.search(r"^GROUP\s+COORDINATOR \(ID\)\s+ASSIGNMENT-STRATEGY\s+STATE\s+#MEMBERS$", out, re.M), out
    assert f"Consumer group '{group}' has no active members." in out, out
    lags = [int(m) for m in re.findall(rf"^{group}\s+{topic}\s+\d+\s+\d+\s+10\s+(\d+)\s", out, re.M)]
    assert len(lags) == len(rows) and sum(lags) + unread == 18, out

    # With an active member: Stable, its assignment, and resets are refused.
    c = group_consumer(shared, group)
    try:
        c.subscribe([topic])
        deadline = time.monotonic() + 30
        while not c.assignment():
            assert time.monotonic() < deadline, "no assignment"
            c.poll(0.2)
        deadline = time.monotonic() + 30
        while True:
            d = describe(shared, group)
            if d["state"] == "Stable" and d["members"] and len(d["members"][0]["assignment"]) == 3:
                break
            assert time.monotonic() < deadline, d
            c.poll(0.2)
        assert all(r["consumer_id"] == d["members"][0]["consumer_id"] for r in d["offsets"]), d
        _, out, _ = gregor("groups", "describe", group, "--members", *bs(shared))
        assert re.search(r"^GROUP\s+CONSUMER-ID\s+HOST\s+CLIENT-ID\s+#PARTITIONS\s+ASSIGNMENT$", out, re.M), out
        assert re.search(rf"^{group}\s+\S+\s+\S+\s+\S+\s+3\s+{topic}\(0,1,2\)$", out, re.M), out
        rc, _, err = gregor("groups", "reset-offsets", "--group", group, "--all-topics", "--to-earliest",
                            "--execute", *bs(shared), check=False)
        assert rc == 1 and (f"Assignments can only be reset if the group '{group}' is inactive, "
                            "but the current state is Stable.") in err, err
        rc, _, err = gregor("groups", "delete", "--group", group, *bs(shared), check=False)
        assert rc == 1 and "NON_EMPTY_GROUP" in err, err
    finally:
        c.close()

    rc, _, err = gregor("groups", "describe", "ops-never-existed", *bs(shared), check=False)
    assert rc == 1 and "Consumer group 'ops-never-existed' does not exist." in err, err


def test_groups_reset_offsets_each_mode(shared):
    topic, group = "ops-reset", "ops-reset-group"
    itlib.create_topic(shared.bootstrap, topic, 2)
    base_ts = produce_per_partition(shared, topic, 2, 10)
    commit_offsets(shared, group, topic, {0: 6, 1: 6})
    assert committed(shared, group) == {(topic, 0): 6, (topic, 1): 6}
    reset = ["groups", "reset-offsets", "--group", group, *bs(shared)]

    # Dry run (the default): shows the plan, changes nothing.
    _, out, err = gregor(*reset, "--topic", topic, "--to-earliest")
    assert out == ("GROUP           TOPIC     PARTITION NEW-OFFSET\n"
                   f"{group} {topic} 0         0\n"
                   f"{group} {topic} 1         0\n"), out
    assert "--execute" in err, err
    gregor(*reset, "--all-topics", "--to-earliest", "--dry-run")
    assert committed(shared, group) == {(topic, 0): 6, (topic, 1): 6}

    def execute(*mode):
        return {(r["topic"], r["partition"]): r["new_offset"]
                for r in gregor_json(*reset, *mode, "--execute")}

    assert execute("--topic", topic, "--to-earliest") == {(topic, 0): 0, (topic, 1): 0}
    assert committed(shared, group) == {(topic, 0): 0, (topic, 1): 0}
    assert next_in_group(shared, group, topic, partition=None)[1] == 0

    assert execute("--topic", f"{topic}:1", "--to-offset", 7) == {(topic, 1): 7}
    assert execute("--topic", f"{topic}:0", "--to-latest") == {(topic, 0): 10}
    assert next_in_group(shared, group, topic) == (1, 7)   # partition 0 has nothing left to read

    assert execute("--topic", f"{topic}:1", "--shift-by", -3) == {(topic, 1): 5}  # 8 - 3
    assert next_in_group(shared, group, topic) == (1, 5)

    _, out, err = gregor(*reset, "--topic", f"{topic}:1", "--to-offset", 999, "--execute")
    assert "New offset (999) is higher than latest offset" in err and re.search(r"\s10\n$", out), (out, err)
    assert execute("--topic", f"{topic}:1", "--shift-by", -999) == {(topic, 1): 0}

    ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime((base_ts + 4000) // 1000)) + \
        ".%03dZ" % ((base_ts + 4000) % 1000)
    assert execute("--all-topics", "--to-datetime", ts) == {(topic, 0): 4, (topic, 1): 4}
    assert committed(shared, group) == {(topic, 0): 4, (topic, 1): 4}
    assert next_in_group(shared, group, topic)[1] == 4

    rc, _, err = gregor(*reset, "--topic", topic, "--to-datetime", "yesterday", check=False)
    assert rc == 1 and "invalid datetime" in err, err
    rc, _, err = gregor(*reset, "--topic", "ops-no-such-topic", "--to-earliest", check=False)
    assert rc == 1 and "does not exist" in err, err
    rc, _, err = gregor("groups", "reset-offsets", "--group", "ops-reset-fresh", "--topic", topic, "--shift-by", 1,
                        *bs(shared), check=False)
    assert rc == 1 and "no current committed offset" in err, err


def test_consume_with_group_commits_what_it_printed(shared):
    topic, group = "ops-consume-group", "ops-consume-group-g"
    itlib.create_topic(shared.bootstrap, topic, 3)
    produce_per_partition(shared, topic, 3, 4)
    first = ["consume", "--topic", topic, "--group", group, "--from-beginning", "--timeout-ms", 30000,
             *bs(shared)]
    _, out1, err = gregor(*first, "--max-messages", 7)
    assert len(out1.splitlines()) == 7 and "Processed a total of 7 messages" in err, (out1, err)
    d = describe(shared, group)
    # Committed exactly up to what was printed: LAG = produced - consumed (a partition it never
    # read from has no row, and all 4 of its records still to read).
    assert sum(r["current_offset"] for r in d["offsets"]) == 7, d
    assert sum(r["lag"] for r in d["offsets"]) + 4 * (3 - len(d["offsets"])) == 12 - 7, d

    _, out2, _ = gregor(*first, "--max-messages", 5)
    values = out1.splitlines() + out2.splitlines()
    assert sorted(values) == sorted("v-%d-%d" % (p, i) for p in range(3) for i in range(4)), values
    d = describe(shared, group)
    assert all(r["lag"] == 0 for r in d["offsets"]) and len(d["offsets"]) == 3, d


def test_groups_delete(shared):
    topic = "ops-delete"
    itlib.create_topic(shared.bootstrap, topic, 1)
    produce_per_partition(shared, topic, 1, 3)
    commit_offsets(shared, "ops-del-a", topic, {0: 1})
    commit_offsets(shared, "ops-del-b", topic, {0: 2})
    _, out, _ = gregor("groups", "delete", "--group", "ops-del-a", "--group", "ops-del-b", *bs(shared))
    assert out.strip() == "Deletion of requested consumer groups ('ops-del-a', 'ops-del-b') was successful.", out
    listed = gregor("groups", "list", *bs(shared))[1].split()
    assert "ops-del-a" not in listed and "ops-del-b" not in listed, listed

    commit_offsets(shared, "ops-del-c", topic, {0: 1})
    rc, out, err = gregor("groups", "delete", "ops-del-c", "ops-del-missing", *bs(shared), check=False)
    assert rc == 1 and "These consumer groups were deleted successfully: 'ops-del-c'" in out, (out, err)
    assert "* Group 'ops-del-missing' could not be deleted due to: GROUP_ID_NOT_FOUND" in err, err
    results = json.loads(gregor("groups", "delete", "ops-del-missing", "--output", "json", *bs(shared),
                                check=False)[1])
    assert results[0]["group"] == "ops-del-missing" and "GROUP_ID_NOT_FOUND" in results[0]["error"], results
