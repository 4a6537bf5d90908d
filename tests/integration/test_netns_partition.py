"""A partition leader cut off from the other brokers, on a real network: each broker runs in
its own network namespace on a bridge (itself in a namespace, as RELIABILITY.md prescribes),
and the test's clients run in a client namespace (this test's thread joins it with setns(2),
so no test address is ever used from the root namespace). nft rules on the bridge cut the
leader's links to the other brokers while clients can still reach it.

Checked: the cut-off leader stops acknowledging acks=all writes, and answers the ones it holds
NOT_LEADER_OR_FOLLOWER once its controller session lapses; the other brokers' controller
fences it and elects a new leader from the ISR, which takes the writes; after healing, the old
leader truncates the tail it appended but never committed, and rejoins the ISR. Every
acknowledged write is in the final log, in order (history_checker)."""
import ctypes
import os
import shutil
import subprocess
import time

import pytest
from confluent_kafka import Producer

import history_checker
import kwire
from cluster import ClusterNode, start_all
from test_replication import SETTINGS, Writer, create_topic, drain, partition_state, wait_state

CLONE_NEWNET = 0x40000000
SUBNET = "10.77.0"
_libc = ctypes.CDLL(None, use_errno=True)

def _can_make_namespaces():
    if os.geteuid() != 0 or not shutil.which("nft") or not shutil.which("ip"):
        return False
    probe = f"gprobe{os.getpid() % 100000}"
    ok = subprocess.run(["ip", "netns", "add", probe], capture_output=True).returncode == 0
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return ok


pytestmark = pytest.mark.skipif(not _can_make_namespaces(),
                                reason="needs root, iproute2, nftables and permission to create network namespaces")


def sh(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def setns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns({path}): {os.strerror(err)}")
    finally:
        os.close(fd)


class NetnsNode(ClusterNode):
    """A cluster node inside namespace `ns`, listening on its own address there."""

    def __init__(self, workdir, node_id, voters, ns, ip, settings):
        super().__init__(workdir, node_id, voters, settings=settings, ports=(9092, 9093))
        self.ns = ns
        self.ip = ip

    @property
    def host(self):
        return self.ip

    def command(self):
        cmd = super().command()
        cmd = [c.replace("127.0.0.1", self.host) for c in cmd]
        return ["ip", "netns", "exec", self.ns] + cmd

    @property
    def bootstrap(self):
        return f"{self.host}:{self.port}"


class NetnsCluster:
    def __init__(self, base_dir, n=3):
        self.prefix = f"g{os.getpid() % 100000}"
        self.sw = f"{self.prefix}-sw"
        self.client = f"{self.prefix}-c"
        self.names = [f"{self.prefix}-n{i + 1}" for i in range(n)]
        self.ips = [f"{SUBNET}.{i + 1}" for i in range(n)]
        self.voters = ",".join(f"{i + 1}@{ip}:9093" for i, ip in enumerate(self.ips))
        self.nodes = [NetnsNode(base_dir / f"node{i + 1}", i + 1, self.voters, self.names[i], self.ips[i],
                                dict(SETTINGS)) for i in range(n)]
        self.root_ns = None

    def up(self):
        sh("ip", "netns", "add", self.sw)
        sh("ip", "-n", self.sw, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", self.sw, "link", "set", "br0", "up")
        hosts = list(zip(self.names, self.ips)) + [(self.client, f"{SUBNET}.100")]
        for k, (ns, ip) in enumerate(hosts):
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", self.sw, "link", "add", f"p{k}", "type", "veth", "peer", "name", "eth0", "netns", ns)
            sh("ip", "-n", self.sw, "link", "set", f"p{k}", "master", "br0")
            sh("ip", "-n", self.sw, "link", "set", f"p{k}", "up")
            sh("ip", "-n", ns, "addr", "add", f"{ip}/24", "dev", "eth0")
            sh("ip", "-n", ns, "link", "set", "eth0", "up")
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "netns", "exec", self.sw, "nft", "add", "table", "bridge", "nemesis")
        sh("ip", "netns", "exec", self.sw, "nft", "add", "chain", "bridge", "nemesis", "cut",
           "{ type filter hook forward priority 0; policy accept; }")
        # This thread (and every client thread it starts) joins the client namespace.
        self.root_ns = os.open("/proc/self/ns/net", os.O_RDONLY)
        setns(f"/var/run/netns/{self.client}")

    def start(self):
        start_all(self.nodes)

    @property
    def bootstrap(self):
        return ",".join(n.bootstrap for n in self.nodes)

    def node(self, node_id):
        return self.nodes[node_id - 1]

    def cut(self, node_id):
        """Drops everything between node_id and the other brokers (the client still reaches it)."""
        me = self.ips[node_id - 1]
        for other in self.ips:
            if other == me:
                continue
            for a, b in ((me, other), (other, me)):
                sh("ip", "netns", "exec", self.sw, "nft", "add", "rule", "bridge", "nemesis", "cut",
                   "ip", "saddr", a, "ip", "daddr", b, "drop")

    def heal(self):
        sh("ip", "netns", "exec", self.sw, "nft", "flush", "chain", "bridge", "nemesis", "cut")

    def down(self):
        for n in self.nodes:
            n.destroy()
        if self.root_ns is not None:
            _libc.setns(self.root_ns, CLONE_NEWNET)
            os.close(self.root_ns)
            self.root_ns = None
        for ns in self.names + [self.client, self.sw]:
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)


@pytest.fixture
def netns_cluster(tmp_path):
    c = NetnsCluster(tmp_path)
    try:
        c.up()
        c.start()
        yield c
    finally:
        c.down()


def test_leader_cut_off_stops_acking_a_new_leader_takes_over_and_the_old_one_truncates(netns_cluster):
    c = netns_cluster
    # Three partitions, led by different brokers, and the writer writes to all of them: the cut
    # is of partition 0's leader. librdkafka asks for metadata only the broker it used last
    # (among those it is connected to), so a producer whose only busy connection is the cut-off
    # broker hears "no leader" from it until the cut heals (from Kafka it would hear the stale
    # leader): that is the stray producer's case below. The writer also talks to the healthy
    # brokers, from which it learns partition 0's new leader.
    create_topic(c.bootstrap, "cut", 3)
    for part in range(3):
        wait_state(c, "cut", lambda l, r, isr: l >= 0 and len(isr) == 3, partition=part,
                   what=f"three in-sync replicas of partition {part}")
    leader, _, _ = wait_state(c, "cut", lambda l, r, isr: l >= 0 and len(isr) == 3, what="three in-sync replicas")
    old = c.node(leader)
    w = Writer(c.bootstrap, "cut", 3)
    w.thread.start()
    try:
        deadline = time.monotonic() + 20
        while w.acked_after(0) is None:
            assert time.monotonic() < deadline, f"no write acknowledged: {w.errors[:5]}"
            time.sleep(0.05)
        # A producer pinned to the old leader keeps writing to it after the cut.
        stray_acks, stray_errors = [], []
        stray = Producer({"bootstrap.servers": old.bootstrap, "acks": "all", "retries": 0,
                          "message.timeout.ms": 4000, "enable.idempotence": False})
        raw = kwire.Conn(old.host, old.port, timeout=45)
        t_cut = time.monotonic()
        c.cut(leader)
        time.sleep(0.3)
        for i in range(20):
            stray.produce("cut", value=b"stray%d" % i, partition=0,
                          on_delivery=lambda err, msg: (stray_errors if err else stray_acks).append(msg.offset()))
        # An acks=all write the cut-off leader holds (its followers are gone) is answered
        # NOT_LEADER_OR_FOLLOWER once its controller session lapses, so the client retries at
        # the new leader, rather than REQUEST_TIMED_OUT when the request's 30 s run out.
        raw_err, _ = kwire.produce_v3(raw, "cut", 0, kwire.record_batch([(None, b"stray-raw", [])]),
                                      acks=-1, timeout_ms=30000, timeout=45)
        raw.close()
        assert raw_err == 6, f"the cut-off leader answered a held acks=all write with error {raw_err}"
        # A new leader among the others, and writes acknowledged again.
        new_leader, _, _ = wait_state(c, "cut", lambda l, r, isr: l >= 0 and l != leader, timeout=30,
                                      what="a new leader", exclude=(leader,))
        deadline = time.monotonic() + 30
        while w.acked_after(time.monotonic() - 0.5, 0) is None or w.acked_after(t_cut + 0.5, 0) is None:
            assert time.monotonic() < deadline, "no acknowledged write after the new leader was elected"
            time.sleep(0.05)
        stray.flush(10)
        # The cut-off leader acknowledged none of the stray acks=all writes.
        assert stray_acks == [], f"the isolated leader acknowledged writes at offsets {stray_acks}"
        c.heal()
        t_heal = time.monotonic()
        wait_state(c, "cut", lambda l, r, isr: l == new_leader and len(isr) == 3, timeout=60,
                   what="the old leader back in the ISR", exclude=(leader,))
        time.sleep(1)
    finally:
        w.stop.set()
        w.thread.join(90)
    log = old.log_text()
    assert "truncating to" in log, "the old leader did not truncate its uncommitted tail"
    final = drain(c.bootstrap, "cut", 3)
    assert not any(v.startswith("stray") for _, v in final[0]), "an unacknowledged stray write survived"
    report = history_checker.check(w.history, final)
    print(f"\nleader cut off: new leader {new_leader}; {report.summary()}; healed in "
          f"{time.monotonic() - t_heal:.1f} s")
    assert report.acked > 0
    assert report.failures(duplicates_allowed=True) == {}, (report.summary(), dict(report.examples))
