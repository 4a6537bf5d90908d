"""A cluster of real `gregor serve` processes on loopback for the cluster tests: each node a
broker and a controller (or broker-only), with its own ports and data dir and the same
controller.quorum.voters. Nodes are conftest Brokers, so the suite's liveness checks, log tails
in failure reports and kill-at-exit apply to them too."""
import json
import subprocess
import time

import kwire
from conftest import Broker, BrokerError, free_ports, GREGOR_BIN


class ClusterNode(Broker):
    def __init__(self, workdir, node_id, voters, roles="broker,controller", settings=None,
                 ports=None):
        super().__init__(workdir, settings)
        self.node_id = node_id
        self.voters = voters
        self.roles = roles
        if ports:
            self.port, self.controller_port = ports

    def command(self):
        listeners = f"PLAINTEXT://127.0.0.1:{self.port}"
        if "controller" in self.roles:
            listeners += f",CONTROLLER://127.0.0.1:{self.controller_port}"
        cmd = [GREGOR_BIN, "serve", "--smp", "1",
               "--set", f"node.id={self.node_id}",
               "--set", f"process.roles={self.roles}",
               "--set", f"listeners={listeners}",
               "--set", "controller.listener.names=CONTROLLER",
               "--set", f"controller.quorum.voters={self.voters}",
               "--set", f"log.dirs={self.data_dir}"]
        for k, v in self.settings.items():
            cmd += ["--set", f"{k}={v}"]
        return cmd

    def wait_ready(self, timeout=30.0):
        """Until this node's Metadata lists it (registered and unfenced by the controller)."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BrokerError(f"node {self.node_id} exited with code {self.proc.returncode}\n"
                                  f"--- log tail ---\n{self.tail()}")
            try:
                with kwire.Conn(self.host, self.port, timeout=2.0) as c:
                    md = kwire.metadata_v1(c, topics=[], timeout=2.0)
                    if any(b[0] == self.node_id for b in md["brokers"]):
                        return
                    last = f"metadata lists {md['brokers']}"
            except (OSError, kwire.Closed, TimeoutError, ValueError, AssertionError) as e:
                last = repr(e)
            time.sleep(0.05)
        raise BrokerError(f"node {self.node_id} not ready within {timeout}s (last: {last})\n"
                          f"--- log tail ---\n{self.tail()}")


def start_all(nodes):
    """Starts every node at once (each needs a quorum of the others before it is ready), then
    waits until each is ready."""
    for n in nodes:
        n.starts += 1
        n._log = n._log or open(n.log_path, "ab", buffering=0)
        n.run_log_offset = n.log_path.stat().st_size
        n.proc = subprocess.Popen(n.command(), stdin=subprocess.DEVNULL, stdout=n._log,
                                  stderr=n._log, cwd=str(n.workdir))
        n.expected_running = True
    for n in nodes:
        n.wait_ready()


def elect_leaders_v1(node, topic, partitions, election_type=0):
    """ElectLeaders v1 over the raw protocol (0 preferred, 1 unclean): {partition: error code}."""
    body = (kwire.i8(election_type) + kwire.array([topic], lambda t: kwire.string(t) +
                                                  kwire.array(partitions, kwire.i32)) + kwire.i32(10000))
    with kwire.Conn(node.host, node.port, timeout=15.0) as c:
        r = c.request(43, 1, body, timeout=15.0)
    r.i32()  # throttle
    assert r.i16() == 0
    out = {}
    for _ in range(r.i32()):
        r.string()
        for _ in range(r.i32()):
            pid, err = r.i32(), r.i16()
            r.string()
            out[pid] = err
    return out


class Cluster:
    def __init__(self, base_dir, n, settings=None):
        ports = free_ports(2 * n)
        self.voters = ",".join(f"{i + 1}@127.0.0.1:{ports[2 * i + 1]}" for i in range(n))
        self.nodes = [ClusterNode(base_dir / f"node{i + 1}", i + 1, self.voters, settings=settings,
                                  ports=(ports[2 * i], ports[2 * i + 1])) for i in range(n)]

    def start(self):
        start_all(self.nodes)
        return self

    def node(self, node_id):
        return self.nodes[node_id - 1]

    @property
    def bootstrap(self):
        return ",".join(n.bootstrap for n in self.nodes if n.running())

    def describe(self, timeout=10):
        """`gregor cluster describe --output json` against the running nodes."""
        out = subprocess.run([GREGOR_BIN, "cluster", "describe", "--bootstrap-server", self.bootstrap,
                              "--output", "json", "--timeout-ms", "5000"],
                             capture_output=True, text=True, timeout=timeout)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    def wait_quorum(self, predicate, timeout=30, what="quorum condition"):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                last = self.describe()
                if "error" not in last["quorum"] and predicate(last):
                    return last
            except (AssertionError, subprocess.TimeoutExpired, json.JSONDecodeError) as e:
                last = repr(e)
            time.sleep(0.1)
        raise AssertionError(f"{what} not reached within {timeout}s; last describe: {last}")

    def leader(self):
        return self.wait_quorum(lambda d: d["quorum"]["leader"] >= 0, what="a quorum leader")["quorum"]["leader"]

    def destroy(self):
        for n in self.nodes:
            n.destroy()
