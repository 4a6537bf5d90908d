"""Partition replication on a three-node cluster: a topic with replication factor 3 and
min.insync.replicas=2 keeps every acknowledged acks=all record while its leader is killed with
kill -9 and restarted again and again (history_checker compares acknowledged against consumed
records); a paused follower leaves the ISR after replica.lag.time.max.ms and rejoins after it
resumes; with two of three brokers down acks=all is refused with NOT_ENOUGH_REPLICAS while
committed data stays readable, and with unclean leader election off a partition whose whole
ISR is down stays offline (until an operator's unclean ElectLeaders); a consumer group's
committed offsets survive the kill of its coordinator's broker.

GREGOR_FAILOVER_KILLS sets the number of leader kills (CI: 4; the issue's measurement: 10+);
the failover times (kill -9 until the next acknowledged acks=all write) are printed."""
import os
import signal
import statistics
import threading
import time

import pytest
from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

import history_checker
import kwire
import kwire_groups
from cluster import Cluster, ClusterNode, elect_leaders_v1
from conftest import free_ports

SETTINGS = {
    "broker.session.timeout.ms": "2000",
    "broker.heartbeat.interval.ms": "300",
    "replica.lag.time.max.ms": "1500",
    "min.insync.replicas": "2",
    "default.replication.factor": "3",
    "offsets.topic.replication.factor": "3",
    "auto.leader.rebalance.enable": "false",
}


@pytest.fixture
def cluster(tmp_path):
    c = Cluster(tmp_path, 3, settings=dict(SETTINGS))
    c.start()
    yield c
    c.destroy()


def create_topic(bootstrap, name, partitions, rf=3, configs=None):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    fut = admin.create_topics([NewTopic(name, partitions, rf, config=configs or {})], operation_timeout=15)[name]
    fut.result(timeout=20)


def partition_state(cluster, topic, partition=0, exclude=()):
    """(leader, replicas, isr) as a running node's Metadata reports them (not asking the node
    ids in exclude), or None."""
    for n in cluster.nodes:
        if not n.running() or n.node_id in exclude:
            continue
        try:
            md = AdminClient({"bootstrap.servers": n.bootstrap}).list_topics(topic, timeout=5)
            t = md.topics.get(topic)
            if t is None or t.error is not None or partition not in t.partitions:
                continue
            p = t.partitions[partition]
            return p.leader, list(p.replicas), sorted(p.isrs)
        except Exception:  # noqa: BLE001 - a node going down mid-request: ask the next one
            continue
    return None


def wait_state(cluster, topic, predicate, timeout=30, what="partition state", partition=0, exclude=()):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = partition_state(cluster, topic, partition, exclude)
        if last is not None and predicate(*last):
            return last
        time.sleep(0.1)
    raise AssertionError(f"{what} not reached within {timeout}s; last (leader, replicas, isr): {last}")


def wait_all_nodes_know(cluster, topic, partitions):
    for n in cluster.nodes:
        deadline = time.monotonic() + 15
        while True:
            md = AdminClient({"bootstrap.servers": n.bootstrap}).list_topics(topic, timeout=5)
            t = md.topics.get(topic)
            if t is not None and t.error is None and len(t.partitions) == partitions:
                break
            assert time.monotonic() < deadline, f"node {n.node_id} does not know {topic}"
            time.sleep(0.05)


def drain(bootstrap, topic, partitions, timeout=60):
    """Everything in the topic from the log start up to each partition's high watermark."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"drain-{time.monotonic_ns()}",
                  "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    out = {p: [] for p in range(partitions)}
    ends = {}
    deadline = time.monotonic() + timeout
    for p in range(partitions):
        while True:
            try:
                ends[p] = c.get_watermark_offsets(TopicPartition(topic, p), timeout=5)[1]
                break
            except Exception:  # noqa: BLE001 - leader moving: retry
                assert time.monotonic() < deadline, "no watermarks"
                time.sleep(0.2)
    c.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
    while any(len(out[p]) and out[p][-1][0] + 1 < ends[p] or (not out[p] and ends[p] > 0)
              for p in range(partitions)):
        assert time.monotonic() < deadline, f"drain incomplete: ends {ends}, got {[len(v) for v in out.values()]}"
        m = c.poll(0.5)
        if m is None or m.error():
            continue
        out[m.partition()].append((m.offset(), m.value().decode()))
    c.close()
    return out


class Writer:
    """acks=all producer on its own thread, recording every send in a History."""

    def __init__(self, bootstrap, topic, partitions, config=None):
        self.history = history_checker.History()
        self.topic, self.partitions = topic, partitions
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.acked_at = []  # (invoked, acknowledged, partition): monotonic times of acknowledgements
        self.errors = []
        self.p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "enable.idempotence": False,
                           "linger.ms": 5, "message.timeout.ms": 20000, "retries": 1000000,
                           "retry.backoff.ms": 50, "topic.metadata.refresh.interval.ms": 1000,
                           **(config or {})})
        self.thread = threading.Thread(target=self.run, daemon=True)

    def on_delivery(self, err, msg):
        value = msg.value().decode()
        with self.lock:
            if err is None:
                self.history.ok(value, msg.offset())
                self.acked_at.append((self.history.sends[value].invoked, time.monotonic(), msg.partition()))
            elif err.code() in (KafkaError._MSG_TIMED_OUT, KafkaError.REQUEST_TIMED_OUT, KafkaError._TIMED_OUT):
                self.history.info(value)  # may or may not be stored
                self.errors.append(err.str())
            else:
                self.history.info(value)
                self.errors.append(err.str())

    def run(self):
        i = 0
        while not self.stop.is_set():
            value = f"v{i}"
            part = i % self.partitions
            with self.lock:
                self.history.invoke(value, part)
            try:
                self.p.produce(self.topic, value=value.encode(), partition=part, on_delivery=self.on_delivery)
            except BufferError:
                with self.lock:
                    self.history.fail(value)
            self.p.poll(0)
            i += 1
            time.sleep(0.002)
        self.p.flush(60)

    def acked_after(self, t, partition=None):
        """The first acknowledgement of a send invoked after t (so answered by a live leader), to
        `partition` if given."""
        with self.lock:
            return next((a for inv, a, part in self.acked_at if inv > t and partition in (None, part)), None)


def test_rf3_topic_keeps_every_acknowledged_record_through_leader_kills(cluster):
    kills = int(os.environ.get("GREGOR_FAILOVER_KILLS", "4"))
    create_topic(cluster.bootstrap, "ha", 1)
    wait_all_nodes_know(cluster, "ha", 1)
    wait_state(cluster, "ha", lambda l, r, isr: l >= 0 and len(isr) == 3, what="three in-sync replicas")
    w = Writer(cluster.bootstrap, "ha", 1)
    w.thread.start()
    failovers = []
    try:
        deadline = time.monotonic() + 20
        while w.acked_after(0) is None:
            assert time.monotonic() < deadline, f"no write acknowledged: {w.errors[:5]}"
            time.sleep(0.05)
        for k in range(kills):
            leader, _, _ = wait_state(cluster, "ha", lambda l, r, isr: l >= 0 and len(isr) == 3, timeout=60,
                                      what=f"round {k}: all three in sync again")
            victim = cluster.node(leader)
            t_kill = time.monotonic()
            victim.kill()
            deadline = t_kill + 60
            while True:
                acked = w.acked_after(t_kill)
                if acked is not None:
                    break
                assert time.monotonic() < deadline, f"no acknowledged write within 60 s of killing {leader}"
                time.sleep(0.01)
            failovers.append(acked - t_kill)
            victim.start()
    finally:
        w.stop.set()
        w.thread.join(90)
    # Everything acknowledged must be in the final log, in order, once all are back in sync.
    wait_state(cluster, "ha", lambda l, r, isr: l >= 0 and len(isr) == 3, timeout=60, what="final ISR of three")
    final = drain(cluster.bootstrap, "ha", 1)
    report = history_checker.check(w.history, final)
    print(f"\nreplication kill loop: {report.summary()}")
    print(f"failover (kill -9 of the leader until the next acknowledged acks=all write), {len(failovers)} kills: "
          f"median {statistics.median(failovers):.2f} s, max {max(failovers):.2f} s, "
          f"all {[round(f, 2) for f in failovers]}")
    assert report.acked > 0
    assert report.failures(duplicates_allowed=True) == {}, (report.summary(), dict(report.examples))


def test_paused_follower_leaves_the_isr_and_rejoins_after_it_resumes(cluster):
    create_topic(cluster.bootstrap, "pause", 1)
    wait_all_nodes_know(cluster, "pause", 1)
    leader, replicas, isr = wait_state(cluster, "pause", lambda l, r, isr: l >= 0 and len(isr) == 3,
                                       what="three in-sync replicas")
    # Pause the active controller when it is a follower here: the other brokers must then move
    # their heartbeats to the next controller before it fences them.
    controller = cluster.leader()
    follower = cluster.node(controller if controller != leader else next(r for r in replicas if r != leader))
    # A producer that knows the leader before the pause (a metadata request to the paused node
    # would wait out socket.timeout.ms).
    p = Producer({"bootstrap.servers": ",".join(n.bootstrap for n in cluster.nodes if n is not follower),
                  "acks": "all"})
    p.produce("pause", value=b"warm-up")
    assert p.flush(30) == 0
    follower.proc.send_signal(signal.SIGSTOP)
    try:
        # replica.lag.time.max.ms (1.5 s) passes long before the session timeout would fence it.
        wait_state(cluster, "pause", lambda l, r, isr: follower.node_id not in isr and len(isr) == 2, timeout=20,
                   what="the paused follower out of the ISR")
        failed = []
        for i in range(50):
            p.produce("pause", value=b"x%d" % i, on_delivery=lambda err, msg: err and failed.append(err))
        assert p.flush(30) == 0
        assert failed == []  # min.insync.replicas=2 still holds
    finally:
        follower.proc.send_signal(signal.SIGCONT)
    wait_state(cluster, "pause", lambda l, r, isr: len(isr) == 3, timeout=30, what="the follower back in the ISR")
    final = drain(cluster.bootstrap, "pause", 1)
    assert len(final[0]) == 51


def test_a_resumed_stale_leader_does_not_answer_as_leader(cluster):
    """Issue 12 item 5: a leader paused past its controller session (its leadership moved) answered
    Produce and Fetch as leader right after it resumed (a consumer then reset to offset 0). It
    must answer NOT_LEADER_OR_FOLLOWER until its controller session holds again, and its
    Metadata must not name itself leader meanwhile."""
    from test_fetch import fetch_v12_body, read_fetch_v12
    create_topic(cluster.bootstrap, "stale", 1)
    wait_all_nodes_know(cluster, "stale", 1)
    leader, _, _ = wait_state(cluster, "stale", lambda l, r, isr: l >= 0 and len(isr) == 3,
                              what="three in-sync replicas")
    node = cluster.node(leader)
    batch = kwire.record_batch([(None, b"before", [])])
    with kwire.Conn(node.host, node.port, timeout=30) as c:
        assert kwire.produce_v3(c, "stale", 0, batch, acks=-1)[0] == 0
        node.proc.send_signal(signal.SIGSTOP)
        try:
            wait_state(cluster, "stale", lambda l, r, isr: l >= 0 and l != leader, timeout=30,
                       what="a new leader while the old one is paused", exclude=(leader,))
        finally:
            node.proc.send_signal(signal.SIGCONT)
        # At once, on the connection opened before the pause.
        err, _ = kwire.produce_v3(c, "stale", 0, kwire.record_batch([(None, b"stale", [])]), acks=1)
        assert err == 6, f"the resumed old leader answered Produce with {err}, not NOT_LEADER_OR_FOLLOWER"
        r = c.request(kwire.FETCH, 12, fetch_v12_body([("stale", 0, 1, 1 << 20)]), flexible=True)
        _, _, parts = read_fetch_v12(r)
        assert parts[("stale", 0)][0] == 6, parts
        md = kwire.metadata_v1(c, ["stale"])
        assert md["topics"]["stale"][1][0][1] != leader, md  # (err, leader) of partition 0
    # Once it heartbeats again it follows the new leader, and nothing was lost or added.
    wait_state(cluster, "stale", lambda l, r, isr: len(isr) == 3, timeout=30, what="the old leader back in the ISR")
    final = drain(cluster.bootstrap, "stale", 1)
    assert [v for _, v in final[0]] == ["before"]


def test_two_brokers_down_refuses_acks_all_keeps_reads_and_no_unclean_election(cluster, tmp_path):
    # Two broker-only nodes hold two of the three replicas, so taking them down leaves the
    # controller quorum (nodes 1-3) able to shrink the ISR.
    extra = []
    for node_id in (4, 5):
        n = ClusterNode(tmp_path / f"node{node_id}", node_id, cluster.voters, roles="broker",
                        settings=dict(SETTINGS), ports=free_ports(2))
        cluster.nodes.append(n)
        n.start()
        extra.append(n)
    admin = AdminClient({"bootstrap.servers": cluster.bootstrap})
    admin.create_topics([NewTopic("few", num_partitions=1, replica_assignment=[[1, 4, 5]])],
                        operation_timeout=15)["few"].result(timeout=20)
    # The same placement with unclean leader election enabled for the topic.
    admin.create_topics([NewTopic("dirty", num_partitions=1, replica_assignment=[[1, 4, 5]],
                                  config={"unclean.leader.election.enable": "true"})],
                        operation_timeout=15)["dirty"].result(timeout=20)
    wait_all_nodes_know(cluster, "few", 1)
    wait_all_nodes_know(cluster, "dirty", 1)
    wait_state(cluster, "few", lambda l, r, isr: l == 1 and len(isr) == 3, what="three in-sync replicas")
    p = Producer({"bootstrap.servers": cluster.bootstrap, "acks": "all"})
    for i in range(20):
        p.produce("few", value=b"c%d" % i)
    assert p.flush(30) == 0
    for n in extra:
        n.kill()
    wait_state(cluster, "few", lambda l, r, isr: isr == [1], timeout=20, what="the ISR down to the leader")
    errors = []
    p2 = Producer({"bootstrap.servers": cluster.node(1).bootstrap, "acks": "all", "retries": 0,
                   "message.timeout.ms": 5000})
    p2.produce("few", value=b"refused", on_delivery=lambda err, msg: errors.append(err))
    p2.flush(15)
    assert errors and errors[0] is not None and errors[0].code() == KafkaError.NOT_ENOUGH_REPLICAS, errors
    # Committed data is still readable from the remaining leader.
    final = drain(cluster.node(1).bootstrap, "few", 1)
    assert [v for _, v in final[0]] == [f"c{i}" for i in range(20)]
    # The whole ISR goes down; a replica that was out of sync comes back: no unclean election.
    cluster.node(1).kill()
    extra[0].start()
    wait_state(cluster, "few", lambda l, r, isr: l == -1, timeout=20, what="the partition offline")
    # With unclean.leader.election.enable=true the returning out-of-sync replica leads at once.
    wait_state(cluster, "dirty", lambda l, r, isr: l == 4, timeout=20, what="an unclean leader for 'dirty'")
    time.sleep(3)
    state = partition_state(cluster, "few")
    assert state is not None and state[0] == -1 and state[2] == [1], state
    # An operator's unclean election (ElectLeaders, type UNCLEAN) brings it back on node 4, which
    # had every committed record when it went down; with an ISR of one below
    # min.insync.replicas=2 the high watermark stays put until the operator lowers it.
    assert elect_leaders_v1(cluster.node(2), "few", [0], election_type=1) == {0: 0}
    wait_state(cluster, "few", lambda l, r, isr: l == 4 and isr == [4], timeout=20, what="node 4 leading")
    res = admin.alter_configs([ConfigResource("topic", "few", set_config={"min.insync.replicas": "1"})])
    for f in res.values():
        f.result(timeout=20)
    probe = Consumer({"bootstrap.servers": extra[0].bootstrap, "group.id": "probe"})
    deadline = time.monotonic() + 20
    while True:
        try:
            if probe.get_watermark_offsets(TopicPartition("few", 0), timeout=5)[1] == 20:
                break
        except Exception:  # noqa: BLE001 - metadata not there yet
            pass
        assert time.monotonic() < deadline, "the high watermark did not reach the log end"
        time.sleep(0.2)
    probe.close()
    final = drain(extra[0].bootstrap, "few", 1)
    assert [v for _, v in final[0]] == [f"c{i}" for i in range(20)]



def test_consumer_group_offsets_move_with_the_coordinators_leadership(cluster):
    create_topic(cluster.bootstrap, "grp", 3)
    wait_all_nodes_know(cluster, "grp", 3)
    p = Producer({"bootstrap.servers": cluster.bootstrap, "acks": "all"})
    for i in range(300):
        p.produce("grp", value=b"g%d" % i, partition=i % 3)
    assert p.flush(30) == 0
    conf = {"bootstrap.servers": cluster.bootstrap, "group.id": "g-move", "auto.offset.reset": "earliest",
            "enable.auto.commit": False}
    c = Consumer(conf)
    c.subscribe(["grp"])
    first = set()
    deadline = time.monotonic() + 60
    while len(first) < 150 and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is not None and not m.error():
            first.add(m.value())
    assert len(first) >= 150
    c.commit(asynchronous=False)
    committed = {tp.partition: tp.offset for tp in c.committed([TopicPartition("grp", i) for i in range(3)], timeout=10)}
    c.close()
    # The group's coordinator is the leader of its __consumer_offsets partition; the commit was
    # answered once the partition's ISR had it, so killing the leader loses nothing.
    with kwire.Conn(cluster.node(1).host, cluster.node(1).port, timeout=5.0) as conn:
        coordinator = kwire_groups.find_coordinator_v1(conn, "g-move", timeout=5.0)["node_id"]
    assert coordinator in (1, 2, 3)
    state = partition_state(cluster, "__consumer_offsets", _offsets_partition("g-move"))
    assert state is not None and state[0] == coordinator and len(state[1]) == 3, state
    cluster.node(coordinator).kill()
    c2 = Consumer(conf)
    c2.subscribe(["grp"])
    second = set()
    deadline = time.monotonic() + 60
    while len(first | second) < 300 and time.monotonic() < deadline:
        m = c2.poll(0.5)
        if m is not None and not m.error():
            second.add(m.value())
    got = {tp.partition: tp.offset for tp in c2.committed([TopicPartition("grp", i) for i in range(3)], timeout=10)}
    c2.close()
    assert got == committed  # the new coordinator loaded the group's committed offsets
    assert first | second == {b"g%d" % i for i in range(300)}
    assert not (first & second), "records below the committed offsets were delivered again"


def _offsets_partition(group, partitions=50):
    """Kafka's partitionFor: abs(String.hashCode) % partitions (Java's hash of the group id)."""
    h = 0
    for ch in group:
        h = (31 * h + ord(ch)) & 0xFFFFFFFF
    if h >= 1 << 31:
        h -= 1 << 32
    return (abs(h) if h != -(1 << 31) else 0) % partitions


def offset_for_leader_epoch_v3(node, topic, partition, epoch, current_epoch=-1):
    """OffsetForLeaderEpoch v3 over the raw protocol: (error, leader_epoch, end_offset)."""
    body = kwire.i32(-1) + kwire.array([topic], lambda t: kwire.string(t) + kwire.array(
        [partition], lambda p: kwire.i32(p) + kwire.i32(current_epoch) + kwire.i32(epoch)))
    with kwire.Conn(node.host, node.port, timeout=10.0) as c:
        r = c.request(23, 3, body, timeout=10.0)
    r.i32()  # throttle
    assert r.i32() == 1
    r.string()
    assert r.i32() == 1
    err, _, leader_epoch, end_offset = r.i16(), r.i32(), r.i32(), r.i64()
    return err, leader_epoch, end_offset


def test_offset_for_leader_epoch_reports_where_each_leader_epoch_ended(cluster):
    create_topic(cluster.bootstrap, "epochs", 1)
    wait_all_nodes_know(cluster, "epochs", 1)
    leader, _, _ = wait_state(cluster, "epochs", lambda l, r, isr: l >= 0 and len(isr) == 3, what="in sync")
    p = Producer({"bootstrap.servers": cluster.bootstrap, "acks": "all"})
    for i in range(10):
        p.produce("epochs", value=b"a%d" % i)
    assert p.flush(30) == 0
    cluster.node(leader).kill()
    new_leader, _, _ = wait_state(cluster, "epochs", lambda l, r, isr: l >= 0 and l != leader, timeout=30,
                                  what="a new leader")
    for i in range(5):
        p.produce("epochs", value=b"b%d" % i)
    assert p.flush(30) == 0
    node = cluster.node(new_leader)
    assert offset_for_leader_epoch_v3(node, "epochs", 0, 0) == (0, 0, 10)   # epoch 0 ended at 10
    assert offset_for_leader_epoch_v3(node, "epochs", 0, 1) == (0, 1, 15)   # the current one: the LEO
    assert offset_for_leader_epoch_v3(node, "epochs", 0, 1, current_epoch=0)[0] == 74  # FENCED_LEADER_EPOCH
    assert offset_for_leader_epoch_v3(node, "epochs", 0, 1, current_epoch=9)[0] == 75  # UNKNOWN_LEADER_EPOCH
    other = next(n for n in cluster.nodes if n.running() and n.node_id != new_leader)
    assert offset_for_leader_epoch_v3(other, "epochs", 0, 1)[0] == 6  # NOT_LEADER_OR_FOLLOWER


def test_consumer_fetch_between_the_high_watermark_and_the_log_end_waits(tmp_path):
    """A consumer may ask a new leader for an offset above its high watermark (the HW it read up
    to on the old leader): below the log end that is not OFFSET_OUT_OF_RANGE but an empty answer,
    as in Kafka; here a paused in-sync follower holds the HW back while acks=1 writes extend the log."""
    c = Cluster(tmp_path, 3, settings={**SETTINGS, "replica.lag.time.max.ms": "60000",
                                       "broker.session.timeout.ms": "60000"})
    c.start()
    try:
        create_topic(c.bootstrap, "between", 1)
        wait_all_nodes_know(c, "between", 1)
        leader, replicas, _ = wait_state(c, "between", lambda l, r, isr: l >= 0 and len(isr) == 3, what="in sync")
        p = Producer({"bootstrap.servers": c.bootstrap, "acks": "all"})
        for i in range(5):
            p.produce("between", value=b"a%d" % i)
        assert p.flush(30) == 0
        follower = c.node(next(r for r in replicas if r != leader))
        follower.proc.send_signal(signal.SIGSTOP)
        try:
            p1 = Producer({"bootstrap.servers": c.bootstrap, "acks": "1"})
            for i in range(5):
                p1.produce("between", value=b"b%d" % i)
            assert p1.flush(30) == 0
            node = c.node(leader)
            with kwire.Conn(node.host, node.port, timeout=10.0) as conn:
                r = conn.request(kwire.FETCH, 4, kwire.fetch_v4_body("between", {0: 8}, max_wait_ms=100),
                                 timeout=10.0)
                r.i32()  # throttle
                assert r.i32() == 1
                r.string()
                assert r.i32() == 1
                partition, error, hw = r.i32(), r.i16(), r.i64()
            assert (partition, error, hw) == (0, 0, 5)
        finally:
            follower.proc.send_signal(signal.SIGCONT)
    finally:
        c.destroy()
