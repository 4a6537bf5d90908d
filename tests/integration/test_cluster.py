"""A multi-node cluster: three `gregor serve` processes with the same controller.quorum.voters
form one cluster with no other step; the KRaft quorum elects an active controller, survives
its kill -9, and takes the old leader back as a follower; brokers register, heartbeat and are
fenced when they stop; a second live process with a registered node.id is refused; `gregor
cluster describe` and `gregor dev-cluster` work. A replication factor above the number of
brokers is refused with Kafka's error. (Partition replication itself: test_replication.py.)"""
import signal
import subprocess
import time

import pytest
from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic

import kwire
from cluster import Cluster, ClusterNode, elect_leaders_v1, start_all
from conftest import free_ports, GREGOR_BIN


@pytest.fixture
def cluster(tmp_path):
    c = Cluster(tmp_path, 3, settings={"broker.session.timeout.ms": "3000",
                                        "broker.heartbeat.interval.ms": "500"})
    c.start()
    yield c
    c.destroy()


def metadata(node):
    with kwire.Conn(node.host, node.port, timeout=5.0) as c:
        return kwire.metadata_v1(c, topics=None, timeout=5.0)


def create_topic(bootstrap, name, partitions, rf=1):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    fut = admin.create_topics([NewTopic(name, partitions, rf)], operation_timeout=15)[name]
    return fut.result(timeout=30)


def test_three_nodes_form_one_cluster_and_every_node_knows_every_broker(cluster):
    for n in cluster.nodes:
        deadline = time.monotonic() + 10
        while True:
            md = metadata(n)
            if sorted(b[0] for b in md["brokers"]) == [1, 2, 3] or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert sorted(b[0] for b in md["brokers"]) == [1, 2, 3], md
    d = cluster.wait_quorum(lambda d: len(d["quorum"]["voters"]) == 3 and
                            all(v["lag"] == 0 for v in d["quorum"]["voters"]), what="3 voters caught up")
    assert d["quorum"]["leader"] in (1, 2, 3)
    ids = {line.split("cluster.id ")[1].split(")")[0] for n in cluster.nodes
           for line in n.log_text().splitlines() if "initialised log dir" in line}
    assert len(ids) == 1, f"nodes derived different cluster ids: {ids}"


def test_topic_created_on_any_node_spreads_leaders_and_serves_records(cluster):
    # Created through a node that is not the active controller: forwarded to it.
    leader = cluster.leader()
    other = next(n for n in cluster.nodes if n.node_id != leader)
    create_topic(other.bootstrap, "spread", 6)
    # Brokers learn of the topic from the metadata log each at its own pace (as in Kafka, a
    # broker that has not replayed the record yet answers UNKNOWN_TOPIC_OR_PARTITION), so wait
    # until every node knows it before producing.
    for n in cluster.nodes:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            parts = metadata(n)["topics"].get("spread", (0, {}))[1]
            if len(parts) == 6:
                break
            time.sleep(0.05)
        leaders = sorted(p[1] for p in parts.values())
        assert leaders == [1, 1, 2, 2, 3, 3], (n.node_id, parts)
    p = Producer({"bootstrap.servers": cluster.bootstrap, "acks": "all"})
    failed = []
    for i in range(600):
        p.produce("spread", value=b"v%d" % i, partition=i % 6,
                  on_delivery=lambda err, msg: err and failed.append(err))
    assert p.flush(30) == 0
    assert failed == []
    c = Consumer({"bootstrap.servers": cluster.bootstrap, "group.id": "g-spread",
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    c.subscribe(["spread"])
    got = set()
    deadline = time.monotonic() + 60
    while len(got) < 600 and time.monotonic() < deadline:
        m = c.poll(0.5)
        if m is not None and not m.error():
            got.add(m.value())
    c.close()
    assert len(got) == 600


def test_replication_factor_above_the_live_brokers_is_refused_with_kafkas_error(cluster):
    with pytest.raises(Exception) as e:
        create_topic(cluster.bootstrap, "rf4", 3, rf=4)
    assert "INVALID_REPLICATION_FACTOR" in str(e.value) or "Replication factor" in str(e.value)


def test_active_controller_killed_a_new_one_takes_over_and_the_old_rejoins(cluster):
    times = []
    for round_ in range(2):
        old = cluster.leader()
        cluster.node(old).kill()
        t0 = time.monotonic()
        d = cluster.wait_quorum(lambda d: d["quorum"]["leader"] not in (-1, old), timeout=30,
                                what="a new controller")
        times.append(time.monotonic() - t0)
        # Topic creation works again, through the new controller.
        create_topic(cluster.bootstrap, f"after-failover-{round_}", 2)
        cluster.node(old).start()
        cluster.wait_quorum(lambda d: len(d["quorum"]["voters"]) == 3 and
                            all(v["lag"] == 0 for v in d["quorum"]["voters"]),
                            what="the old controller caught up as a follower")
        assert d["quorum"]["epoch"] > 0
    print(f"\ncontroller failover (kill -9 until a new leader answers DescribeQuorum): "
          + ", ".join(f"{t:.2f} s" for t in times))
    for n in cluster.nodes:
        assert {"after-failover-0", "after-failover-1"} <= set(metadata(n)["topics"])


def test_stopped_broker_is_fenced_its_partitions_go_offline_and_come_back(cluster):
    create_topic(cluster.bootstrap, "fence-me", 3)
    leader = cluster.leader()
    victim = next(n for n in cluster.nodes if n.node_id != leader)
    victim.kill()
    d = cluster.wait_quorum(lambda d: any(p["topic"] == "fence-me" and p["state"] == "Offline"
                                          for p in d["unhealthy_partitions"]), timeout=20,
                            what="the killed broker's partition offline")
    assert victim.node_id not in [b["id"] for b in d["brokers"]]
    victim.start()
    cluster.wait_quorum(lambda d: not d["unhealthy_partitions"] and len(d["brokers"]) == 3,
                        timeout=20, what="the partition back online")


def test_second_live_broker_with_the_same_node_id_is_refused(cluster, tmp_path):
    ports = free_ports(2)
    extra = ClusterNode(tmp_path / "extra4", 4, cluster.voters, roles="broker", ports=ports)
    extra.start()
    dup = ClusterNode(tmp_path / "dup4", 4, cluster.voters, roles="broker", ports=free_ports(2))
    dup.starts += 1
    dup._log = open(dup.log_path, "ab", buffering=0)
    dup.proc = subprocess.Popen(dup.command(), stdin=subprocess.DEVNULL, stdout=dup._log, stderr=dup._log)
    dup.expected_running = True
    try:
        deadline = time.monotonic() + 20
        while "another live broker is registered with node.id 4" not in dup.log_text():
            assert time.monotonic() < deadline, dup.tail()
            time.sleep(0.1)
        assert "registered with controller" not in dup.log_text()
        # The first one keeps serving.
        assert 4 in [b[0] for b in metadata(extra)["brokers"]]
    finally:
        dup.destroy()
        extra.destroy()


def _free_base_port():
    """A base port below the ephemeral range whose 3 broker and 3 controller ports are free."""
    import random
    import socket
    rng = random.Random()
    for _ in range(200):
        base = rng.randrange(20000, 29800)
        ok = True
        for p in [base + i for i in range(3)] + [base + 100 + i for i in range(3)]:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                try:
                    s.bind(("127.0.0.1", p))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise AssertionError("no free port range for dev-cluster")


def test_dev_cluster_starts_three_nodes_and_ctrl_c_stops_them(tmp_path):
    base = _free_base_port()
    proc = subprocess.Popen([GREGOR_BIN, "dev-cluster", "--nodes", "3", "--dir", str(tmp_path / "dc"),
                             "--base-port", str(base)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        line = ""
        deadline = time.monotonic() + 20
        while "bootstrap servers:" not in line:
            assert time.monotonic() < deadline
            line = proc.stdout.readline()
        bootstrap = line.split("bootstrap servers:")[1].strip()
        deadline = time.monotonic() + 60
        brokers = []
        while time.monotonic() < deadline:
            try:
                host, port = bootstrap.split(",")[0].split(":")
                with kwire.Conn(host, int(port), timeout=2.0) as c:
                    brokers = [b[0] for b in kwire.metadata_v1(c, topics=[], timeout=2.0)["brokers"]]
                if sorted(brokers) == [1, 2, 3]:
                    break
            except (OSError, kwire.Closed, TimeoutError, ValueError, AssertionError):
                pass
            time.sleep(0.2)
        assert sorted(brokers) == [1, 2, 3]
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, out
        assert out.count("exited with code 0") == 3, out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def elect_preferred_v1(node, topic, partitions):
    return elect_leaders_v1(node, topic, partitions, election_type=0)


def test_elect_leaders_preferred_needs_no_election_and_reports_an_unavailable_leader(cluster):
    create_topic(cluster.bootstrap, "elect", 3)
    leader = cluster.leader()
    other = next(n for n in cluster.nodes if n.node_id != leader)
    deadline = time.monotonic() + 10
    while len(metadata(other)["topics"].get("elect", (0, {}))[1]) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    # Every partition already has its preferred (only) replica as leader: ELECTION_NOT_NEEDED.
    assert elect_preferred_v1(other, "elect", [0, 1, 2]) == {0: 84, 1: 84, 2: 84}
    parts = metadata(other)["topics"]["elect"][1]
    victim = next(n for n in cluster.nodes if n.node_id != leader and n is not other
                  and any(p[1] == n.node_id for p in parts.values()))
    on_victim = [pid for pid, p in parts.items() if p[1] == victim.node_id]
    victim.kill()
    cluster.wait_quorum(lambda d: any(p["topic"] == "elect" and p["state"] == "Offline"
                                      for p in d["unhealthy_partitions"]), timeout=20,
                        what="the killed broker's partition offline")
    got = elect_preferred_v1(other, "elect", on_victim)
    assert set(got.values()) == {80}, got  # PREFERRED_LEADER_NOT_AVAILABLE
    victim.start()


class ControllerOnlyNode(ClusterNode):
    """process.roles=controller: only a controller listener; ready once it follows or leads the quorum."""

    def __init__(self, workdir, node_id, voters, ports):
        super().__init__(workdir, node_id, voters, roles="controller", ports=ports)

    def command(self):
        cmd = super().command()
        i = cmd.index(next(c for c in cmd if c.startswith("listeners=")))
        cmd[i] = f"listeners=CONTROLLER://127.0.0.1:{self.controller_port}"
        return cmd

    def wait_ready(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while not any(f"raft: node {self.node_id} is {s}" in self.log_text() for s in ("Leader", "Follower")):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"controller {self.node_id} not ready:\n{self.tail()}")
            time.sleep(0.05)


def test_dedicated_controllers_and_brokers_form_a_cluster_that_replicates(tmp_path):
    ports = free_ports(10)
    voters = ",".join(f"{i}@127.0.0.1:{ports[2 * i - 1]}" for i in (1, 2, 3))
    controllers = [ControllerOnlyNode(tmp_path / f"c{i}", i, voters, (ports[2 * i - 2], ports[2 * i - 1]))
                   for i in (1, 2, 3)]
    brokers = [ClusterNode(tmp_path / f"b{i}", i, voters, roles="broker",
                           settings={"broker.session.timeout.ms": "3000", "broker.heartbeat.interval.ms": "500"},
                           ports=(ports[2 * i - 2], ports[2 * i - 1])) for i in (4, 5)]
    try:
        start_all(controllers)
        for b in brokers:
            b.start()
        bootstrap = ",".join(b.bootstrap for b in brokers)
        for b in brokers:  # each learns of the other from the metadata log, at its own pace
            deadline = time.monotonic() + 10
            while sorted(x[0] for x in metadata(b)["brokers"]) != [4, 5]:
                assert time.monotonic() < deadline, metadata(b)  # controllers are never listed as brokers
                time.sleep(0.05)
        md = metadata(brokers[0])
        assert md["controller"] in (4, 5)  # as Kafka with KRaft: a broker, which forwards to the controller
        create_topic(bootstrap, "dedicated", 2, rf=2)
        for b in brokers:
            deadline = time.monotonic() + 10
            while len(metadata(b)["topics"].get("dedicated", (0, {}))[1]) < 2:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        p = Producer({"bootstrap.servers": bootstrap, "acks": "all"})
        failed = []
        for i in range(100):
            p.produce("dedicated", value=b"d%d" % i, on_delivery=lambda err, msg: err and failed.append(err))
        assert p.flush(30) == 0 and failed == []
        c = Consumer({"bootstrap.servers": bootstrap, "group.id": "g-dedicated", "auto.offset.reset": "earliest"})
        c.subscribe(["dedicated"])
        got = set()
        deadline = time.monotonic() + 30
        while len(got) < 100 and time.monotonic() < deadline:
            m = c.poll(0.5)
            if m is not None and not m.error():
                got.add(m.value())
        c.close()
        assert len(got) == 100
    finally:
        for n in brokers + controllers:
            n.destroy()
