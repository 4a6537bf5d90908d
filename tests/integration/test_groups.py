"""Classic consumer groups against gregor: FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
LeaveGroup, OffsetCommit, OffsetFetch, DescribeGroups, ListGroups, DeleteGroups, OffsetDelete,
and committed offsets durable in __consumer_offsets.

- Failover, per client (confluent-kafka, kafka-python, kafkajs): three member processes
  (group_member.py / tests/node/group_member.js) share a 6-partition topic while records are
  produced; one leaves gracefully (SIGTERM -> close()), another is killed (SIGKILL) and its
  partitions move once its session (6 s) expires. Delivery accounting (see check_deliveries):
  every record delivered at least once, exactly one *committed* delivery per record, no
  delivery after a commit that covers it, and every uncommitted delivery explained. The time
  from the leave / the kill to the partitions being consumed elsewhere is printed and written to
  failover.json in the test's tmp dir (measured, never asserted).
- Commit and resume across clients; static membership (group.instance.id) restart without a
  rebalance; kcat -G with two processes; broker kill -9 and restart (offsets, deletions, group
  and generation recover; live members carry on without a rebalance); error codes, rebalance
  timeout, static-member fencing and the admin APIs over the raw protocol (kwire_groups.py);
  the records in __consumer_offsets decode as Kafka's key/value schemas.

The brokers here run with group.initial.rebalance.delay.ms=0 and a small single-replica
__consumer_offsets (the kafkajs test in test_kafkajs.py covers the defaults).
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition

import itlib
import kwire
import kwire_groups as kg

HERE = Path(__file__).resolve().parent
NODE_DIR = HERE.parent / "node"
MEMBER_PY = HERE / "group_member.py"
KCAT = shutil.which("kcat") or "/usr/bin/kcat"
PYTHON = sys.executable

SESSION_MS = 6000
BROKER_SETTINGS = {
    "group.initial.rebalance.delay.ms": 0,
    "group.min.session.timeout.ms": SESSION_MS,
    "offsets.topic.num.partitions": 5,
    "offsets.topic.replication.factor": 1,
}


# --- fixtures --------------------------------------------------------------------------------
def require_groups(broker, timeout=15.0):
    """Fails at once (instead of every client timing out) when the broker has no group
    coordinator: FindCoordinator must answer NONE with this broker's address."""
    last = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        itlib.check_alive()
        try:
            with kwire.Conn(broker.host, broker.port, timeout=5.0) as c:
                last = kg.find_coordinator_v1(c, "gregor-it-probe", timeout=5.0)
            if last["error"] == kg.NONE:
                assert (last["node_id"], last["host"], last["port"]) == \
                    (1, broker.host, broker.port), f"FindCoordinator points elsewhere: {last}"
                return last
        except (OSError, kwire.Closed, TimeoutError, ValueError) as e:
            last = repr(e)
        time.sleep(0.2)
    pytest.fail(f"the broker has no group coordinator: FindCoordinator v1 answered {last} for "
                f"{timeout}s", pytrace=False)


@pytest.fixture(scope="module")
def gb(module_broker_factory):
    b = module_broker_factory(BROKER_SETTINGS)
    require_groups(b)
    return b


@pytest.fixture
def procs():
    """Collects member/kcat processes; kills whatever still runs at teardown."""
    started = []
    yield started
    for p in started:
        p.cleanup()


def wait_for(cond, what, timeout, interval=0.1, watch=()):
    """Polls cond() until it returns something true; fails at the deadline, or at once if a
    broker or one of the `watch` processes (expected to run) died."""
    deadline = time.monotonic() + timeout
    while True:
        itlib.check_alive()
        for p in watch:
            p.assert_running()
        r = cond()
        if r:
            return r
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout}s")
        time.sleep(interval)


def conn(broker, timeout=15.0):
    return kwire.Conn(broker.host, broker.port, timeout=timeout)


# --- member processes and their event files ----------------------------------------------------
class Proc:
    """A child process with its output in a log file under the test's tmp dir."""

    def __init__(self, name, cmd, log_path, cwd=None, env=None, stdout_path=None):
        self.name = name
        self.cmd = [str(c) for c in cmd]
        self.log_path = Path(log_path)
        self.stdout_path = Path(stdout_path) if stdout_path else None
        self.cwd = cwd
        self.env = env
        self.proc = None
        self.expect_running = False

    def start(self):
        with open(self.log_path, "ab", buffering=0) as log:
            out = open(self.stdout_path, "ab", buffering=0) if self.stdout_path else log
            try:
                self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=out,
                                             stderr=log, cwd=self.cwd, env=self.env)
            finally:
                if out is not log:
                    out.close()
        self.expect_running = True
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def tail(self, n=40):
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return ""
        return "\n".join(lines[-n:])

    def assert_running(self):
        if self.expect_running and not self.running():
            raise AssertionError(f"{self.name} exited with {self.proc.returncode} while it "
                                 f"should run\n--- {self.log_path.name} ---\n{self.tail()}")

    def term(self):
        """SIGTERM; returns the wall-clock time it was sent."""
        self.expect_running = False
        t = time.time()
        self.proc.send_signal(signal.SIGTERM)
        return t

    def kill(self):
        self.expect_running = False
        t = time.time()
        self.proc.kill()
        self.proc.wait(10)
        return t

    def wait(self, timeout):
        self.expect_running = False
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            itlib.check_alive()
            if time.monotonic() > deadline:
                self.proc.kill()
                self.proc.wait(10)
                raise AssertionError(f"{self.name} did not exit within {timeout}s\n"
                                     f"--- {self.log_path.name} ---\n{self.tail()}")
            time.sleep(0.05)
        return self.proc.returncode

    def cleanup(self):
        self.expect_running = False
        if self.running():
            self.proc.kill()
            self.proc.wait(10)


class Member(Proc):
    """group_member.py (confluent, kafka-python) or tests/node/group_member.js (kafkajs)."""

    def __init__(self, client, broker, group, topic, workdir, name, instance_id=None,
                 session_ms=SESSION_MS, max_seconds=100):
        self.client = client
        self.out = Path(workdir) / f"{name}.events"
        common = ["--bootstrap", broker.bootstrap, "--group", group, "--topic", topic,
                  "--out", self.out, "--session-timeout-ms", session_ms,
                  "--max-seconds", max_seconds, "--client-id", f"gregor-it-{name}"]
        env = None
        cwd = None
        if client == "kafkajs":
            assert instance_id is None, "the kafkajs member has no static membership option"
            node = shutil.which("node")
            if node is None or not (NODE_DIR / "node_modules" / "kafkajs").is_dir():
                pytest.fail("node and kafkajs (tests/node, npm ci) are needed", pytrace=False)
            cmd = [node, NODE_DIR / "group_member.js"] + common
            cwd = NODE_DIR
            env = dict(os.environ, KAFKAJS_NO_PARTITIONER_WARNING="1")
        else:
            cmd = [PYTHON, MEMBER_PY, "--client", client] + common
            if instance_id:
                cmd += ["--instance-id", instance_id]
        super().__init__(name, cmd, Path(workdir) / f"{name}.log", cwd=cwd, env=env)

    def events(self):
        return parse_events(self.out)


def parse_events(path):
    """[(ts, kind, fields)] from a member's event file; a last line still being written is
    ignored."""
    try:
        data = Path(path).read_text(errors="replace")
    except FileNotFoundError:
        return []
    out = []
    for line in data[:data.rfind("\n") + 1].split("\n"):  # complete lines only
        parts = line.split(" ")
        if len(parts) < 2:
            continue
        try:
            ts = float(parts[0])
        except ValueError:
            continue
        kind, f = parts[1], parts[2:]
        try:
            if kind == "M" and len(f) >= 3:
                out.append((ts, "M", (int(f[0]), int(f[1]), f[2])))
            elif kind in ("C", "F") and len(f) >= 2:
                out.append((ts, kind, (int(f[0]), int(f[1]))))
            elif kind in ("A", "R") and len(f) == 1:
                out.append((ts, kind, parse_plist(f[0])))
            elif kind in ("T", "E", "X"):
                out.append((ts, kind, tuple(f)))
        except ValueError:
            continue
    return out


def parse_plist(s):
    if s == "*":
        return "*"
    return frozenset() if s == "-" else frozenset(int(x) for x in s.split(","))


def current_assignment(events, since=None):
    """Partitions owned after the last event (eager protocol: R revokes, A assigns the whole
    set). With since, None unless an A line came after that time."""
    cur = frozenset()
    last_a = None
    for ts, kind, f in events:
        if kind == "A":
            cur = f
            last_a = ts
        elif kind == "R":
            cur = frozenset() if f == "*" else cur - f
    if since is not None and (last_a is None or last_a < since):
        return None
    return cur


def delivered(members):
    """{(partition, offset)} delivered to any of the members."""
    return {(f[0], f[1]) for m in members for ts, kind, f in m.events() if kind == "M"}


# --- producing -------------------------------------------------------------------------------
class PacedProducer(threading.Thread):
    """Produces keyed records with unique values ("<tag>-v<i>") at about `rate` per second (as
    fast as possible when rate is None): n of them, or, with max_n, at least n and then on
    until stop() or max_n. After join_checked(): where = {(partition, offset): value} from the
    delivery reports."""

    def __init__(self, bootstrap, topic, n, tag, rate=None, max_n=None):
        super().__init__(daemon=True)
        self.bootstrap, self.topic, self.n, self.tag, self.rate = bootstrap, topic, n, tag, rate
        self.max_n = max_n or n
        self.stopping = threading.Event()
        self.sent = 0
        self.where = {}
        self.errors = []
        self.exc = None

    def stop(self):
        self.stopping.set()

    def run(self):
        try:
            p = Producer({"bootstrap.servers": self.bootstrap, "acks": "all", "linger.ms": 5,
                          "message.timeout.ms": 60000})

            def cb(err, msg):
                if err is not None:
                    self.errors.append(str(err))
                else:
                    self.where[(msg.partition(), msg.offset())] = msg.value().decode()

            t0 = time.monotonic()
            tag = self.tag.encode()
            for i in range(self.max_n):
                if i >= self.n and self.stopping.is_set():
                    break
                p.produce(self.topic, key=b"%s-k%05d" % (tag, i), value=b"%s-v%05d" % (tag, i),
                          on_delivery=cb)
                self.sent = i + 1
                if i % 10 == 9:
                    p.poll(0)
                    if self.rate:
                        delay = t0 + (i + 1) / self.rate - time.monotonic()
                        if delay > 0:
                            time.sleep(delay)
            left = p.flush(60)
            if left:
                self.errors.append(f"{left} records undelivered after flush")
        except Exception as e:  # reported by join_checked
            self.exc = e

    def join_checked(self, timeout=90):
        deadline = time.monotonic() + timeout
        while self.is_alive():
            itlib.check_alive()
            self.join(0.5)
            assert time.monotonic() < deadline, f"producer still running after {timeout}s"
        if self.exc:
            raise self.exc
        assert not self.errors, f"produce errors: {self.errors[:10]}"
        assert len(self.where) == self.sent, f"{len(self.where)} delivery reports of {self.sent}"
        return self.where


def produce(bootstrap, topic, n, tag):
    p = PacedProducer(bootstrap, topic, n, tag)
    p.start()
    return p.join_checked()


def high_watermarks(where):
    hw = {}
    for p, o in where:
        hw[p] = max(hw.get(p, 0), o + 1)
    return hw


# --- delivery accounting -----------------------------------------------------------------------
def check_deliveries(where, members, killed=()):
    """Checks the event files of `members` against the produced records `where`
    ({(p, o): value}) and returns a summary.

    A delivery (member m, p, o at time t) is *committed* if m later logged a successful
    synchronous commit "C p n" with n > o before its next assignment change (A/R) or exit.
    Requirements:
      1. every delivery is a produced record with its value, and every produced record is
         delivered at least once;
      2. every record has at most one committed delivery, and no delivery of it comes after its
         committed one (a committed record is never delivered again);
      3. every record has exactly one committed delivery, except when one of its deliveries is
         the last delivery on that partition of a killed member (its commit may have been in
         flight: done on the broker, not yet logged);
      4. every uncommitted delivery is explained: its own commit failed ("F"), or it is the last
         delivery on that partition by a killed member.
    """
    killed = {m.name for m in killed}
    deliveries = []  # (ts, member, p, o, value, committed)
    failed = set()   # (member, p, next offset)
    last_of_killed = {}  # (member, p) -> offset of its last delivery on p
    for m in members:
        pending = {}  # p -> [index into deliveries]
        for ts, kind, f in m.events():
            if kind == "M":
                p, o, v = f
                deliveries.append([ts, m.name, p, o, v, False])
                pending.setdefault(p, []).append(len(deliveries) - 1)
                if m.name in killed:
                    last_of_killed[(m.name, p)] = o
            elif kind == "C":
                p, n = f
                keep = []
                for i in pending.get(p, []):
                    if deliveries[i][3] < n:
                        deliveries[i][5] = True
                    else:
                        keep.append(i)
                pending[p] = keep
            elif kind == "F":
                failed.add((m.name, f[0], f[1]))
            elif kind in ("A", "R", "X"):
                pending = {}

    problems = []
    by_rec = {}
    for d in deliveries:
        ts, name, p, o, v, committed = d
        want = where.get((p, o))
        if want is None:
            problems.append(f"{name} got ({p}, {o}) = {v!r}, which was never produced")
        elif want != v:
            problems.append(f"{name} got ({p}, {o}) = {v!r}, produced {want!r}")
        by_rec.setdefault((p, o), []).append(d)
    missing = sorted(set(where) - set(by_rec))
    if missing:
        problems.append(f"{len(missing)} of {len(where)} records never delivered, e.g. "
                        f"{missing[:10]}")
    dup_records = 0
    uncommitted = 0
    for rec, ds in sorted(by_rec.items()):
        ds.sort(key=lambda d: d[0])
        if len(ds) > 1:
            dup_records += 1
        com = [d for d in ds if d[5]]
        in_flight = any(d[1] in killed and last_of_killed.get((d[1], d[2])) == d[3] for d in ds)
        if len(com) > 1:
            problems.append(f"record {rec} has {len(com)} committed deliveries: "
                            f"{[(d[1], round(d[0], 3)) for d in com]}")
        elif len(com) == 1 and ds[-1] is not com[0]:
            problems.append(f"record {rec} delivered again after its commit: "
                            f"{[(d[1], round(d[0], 3), d[5]) for d in ds]}")
        elif not com and not in_flight:
            problems.append(f"record {rec} has no committed delivery: "
                            f"{[(d[1], round(d[0], 3)) for d in ds]}")
        for d in ds:
            if d[5]:
                continue
            uncommitted += 1
            explained = ((d[1], d[2], d[3] + 1) in failed
                         or (d[1] in killed and last_of_killed.get((d[1], d[2])) == d[3]))
            if not explained:
                problems.append(f"delivery of {rec} to {d[1]} at {d[0]:.3f} was neither "
                                f"committed nor failed to commit")
        if len(problems) > 20:
            break
    assert not problems, "delivery accounting:\n  " + "\n  ".join(problems[:20])
    return dict(records=len(where), deliveries=len(deliveries), duplicated_records=dup_records,
                uncommitted_deliveries=uncommitted, failed_commits=len(failed))


def committed_offsets(broker, group, topic, partitions, timeout=20.0):
    """OffsetFetch v5 of the group: {p: committed offset or -1}."""
    def ask():
        with conn(broker) as c:
            return kg.offset_fetch_v5(c, group, {topic: list(partitions)})

    err, offs = kg.retry(ask, f"OffsetFetch({group})", timeout=timeout, err_of=lambda r: r[0])
    assert err == kg.NONE, f"OffsetFetch({group}): {kg.ename(err)}"
    for (t, p), (o, md, e) in offs.items():
        assert e == kg.NONE, f"OffsetFetch({group}) {t}-{p}: {kg.ename(e)}"
    return {p: offs[(topic, p)][0] for p in partitions}


def describe(broker, group, timeout=20.0):
    def ask():
        with conn(broker) as c:
            return kg.describe_groups(c, [group])[group]

    return kg.retry(ask, f"DescribeGroups({group})", timeout=timeout, err_of=lambda d: d["error"])


def wait_stable(broker, group, n_members, timeout=40.0, watch=()):
    """Waits until DescribeGroups shows the group Stable with n members; returns it."""
    def ok():
        d = describe(broker, group)
        return d if d["state"] == "Stable" and len(d["members"]) == n_members else None
    return wait_for(ok, f"group {group} Stable with {n_members} members", timeout, 0.2, watch)


def first_after(members, partitions, t0, kind):
    """{p: first time after t0 at which one of members logged `kind` covering p
    ("M": a record of p delivered; "A": p assigned)}."""
    out = {}
    for m in members:
        for ts, k, f in m.events():
            if ts <= t0 or k != kind:
                continue
            ps = [f[0]] if kind == "M" else (f if f != "*" else [])
            for p in ps:
                if p in partitions and (p not in out or ts < out[p]):
                    out[p] = ts
    return out


# --- 1. failover ----------------------------------------------------------------------------
N_FAILOVER = 3000  # at least; production goes on until the killed member's partitions moved
RATE = 250  # records/s


@pytest.mark.parametrize("client", ["confluent", "kafka-python", "kafkajs"])
def test_failover_graceful_leave_and_kill(gb, tmp_path, procs, client):
    topic = group = f"grp-failover-{client}"
    itlib.create_topic(gb.bootstrap, topic, 6)
    t_begin = time.monotonic()
    ms = [Member(client, gb, group, topic, tmp_path, f"m{i}") for i in range(3)]
    for m in ms:
        procs.append(m)
        m.start()
    prod = PacedProducer(gb.bootstrap, topic, N_FAILOVER, topic, rate=RATE, max_n=4 * N_FAILOVER)
    prod.start()
    all_parts = frozenset(range(6))

    def three_assigned():
        cur = [current_assignment(m.events()) for m in ms]
        if all(cur) and frozenset().union(*cur) == all_parts and sum(map(len, cur)) == 6:
            # and every member is consuming
            got = [sum(1 for _, k, _ in m.events() if k == "M") for m in ms]
            return cur if min(got) >= 5 else None
        return None

    wait_for(three_assigned, "three members sharing the 6 partitions, each consuming", 60,
             watch=ms)
    wait_stable(gb, group, 3, watch=ms)
    t_stable = time.monotonic() - t_begin
    leaver, victim, survivor = ms

    # Graceful leave: SIGTERM -> close() -> LeaveGroup.
    leave_parts = current_assignment(leaver.events())
    t_leave = leaver.term()
    rc = leaver.wait(30)
    assert rc == 0, f"{leaver.name} exited {rc}\n{leaver.tail()}"
    assert any(k == "X" for _, k, _ in leaver.events()), "the leaver did not close"

    def two_assigned():
        cur = [current_assignment(m.events(), since=t_leave) for m in (victim, survivor)]
        if all(c is not None for c in cur) and all(cur) and \
                frozenset().union(*cur) == all_parts and sum(map(len, cur)) == 6:
            return cur
        return None

    wait_for(two_assigned, "the two remaining members sharing the 6 partitions", 40,
             watch=(victim, survivor))
    wait_stable(gb, group, 2, watch=(victim, survivor))
    # Let the victim consume a little of its new assignment, then kill -9 it.
    n0 = sum(1 for ts, k, _ in victim.events() if k == "M" and ts > t_leave)
    wait_for(lambda: sum(1 for ts, k, _ in victim.events() if k == "M" and ts > t_leave) >= n0 + 5,
             "the victim consuming after the leave", 20, watch=(victim, survivor))
    kill_parts = current_assignment(victim.events())
    t_kill = victim.kill()

    wait_for(lambda: current_assignment(survivor.events(), since=t_kill) == all_parts,
             "the survivor owning all 6 partitions after the kill", 60, watch=(survivor,))
    wait_for(lambda: set(first_after([survivor], kill_parts, t_kill, "M")) == set(kill_parts),
             "the survivor consuming the killed member's partitions", 30, watch=(survivor,))
    prod.stop()
    where = prod.join_checked()
    wait_for(lambda: delivered(ms) >= set(where), "every record delivered", 60,
             watch=(survivor,))
    survivor.term()
    rc = survivor.wait(30)
    assert rc == 0, f"{survivor.name} exited {rc}\n{survivor.tail()}"

    # Measured failover times.
    others_l = [victim, survivor]
    cons_l = first_after(others_l, leave_parts, t_leave, "M")
    asg_l = first_after(others_l, leave_parts, t_leave, "A")
    cons_k = first_after([survivor], kill_parts, t_kill, "M")
    asg_k = first_after([survivor], kill_parts, t_kill, "A")
    assert set(cons_l) == set(leave_parts), \
        f"partitions of the leaver never consumed elsewhere: {set(leave_parts) - set(cons_l)}"
    assert set(cons_k) == set(kill_parts), \
        f"partitions of the killed member never consumed elsewhere: " \
        f"{set(kill_parts) - set(cons_k)}"

    def span(d, t0):
        return {str(p): round(t - t0, 3) for p, t in sorted(d.items())}

    report = dict(
        client=client, session_timeout_ms=SESSION_MS, records=len(where),
        seconds_to_stable_group=round(t_stable, 3),
        graceful_leave=dict(partitions=sorted(leave_parts),
                            to_assigned_s=span(asg_l, t_leave),
                            to_consumed_s=span(cons_l, t_leave),
                            max_to_consumed_s=round(max(cons_l.values()) - t_leave, 3)),
        kill9=dict(partitions=sorted(kill_parts),
                   to_assigned_s=span(asg_k, t_kill),
                   to_consumed_s=span(cons_k, t_kill),
                   max_to_consumed_s=round(max(cons_k.values()) - t_kill, 3)),
    )

    # Delivery accounting and the committed offsets.
    report["accounting"] = check_deliveries(where, ms, killed=[victim])
    hw = high_watermarks(where)
    committed = committed_offsets(gb, group, topic, range(6))
    assert committed == {p: hw.get(p, -1) for p in range(6)}, \
        f"committed offsets {committed}, high watermarks {hw}"
    report["total_s"] = round(time.monotonic() - t_begin, 3)
    (tmp_path / "failover.json").write_text(json.dumps(report, indent=2))
    print(f"\nFAILOVER {client}: graceful leave -> consumed elsewhere in "
          f"{report['graceful_leave']['max_to_consumed_s']}s, kill -9 -> consumed elsewhere in "
          f"{report['kill9']['max_to_consumed_s']}s (session {SESSION_MS} ms)\n"
          f"{json.dumps(report)}\n(written to {tmp_path / 'failover.json'})")


# --- 2. commit and resume ---------------------------------------------------------------------
def _consume_confluent(bootstrap, group, topic, n, commit=True, timeout=40):
    """Reads n records in `group`, commits each partition's last offset + 1 (synchronously),
    closes. Returns [(p, o, value)]."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": group,
                  "enable.auto.commit": False, "auto.offset.reset": "earliest",
                  "session.timeout.ms": SESSION_MS, "fetch.wait.max.ms": 100,
                  "enable.partition.eof": False})
    got = []
    try:
        c.subscribe([topic])
        deadline = time.monotonic() + timeout
        while len(got) < n:
            itlib.check_alive()
            assert time.monotonic() < deadline, f"confluent consumed {len(got)} of {n}"
            m = c.poll(0.2)
            if m is None:
                continue
            if m.error():
                assert m.error().code() != KafkaError._FATAL, m.error()
                continue
            got.append((m.partition(), m.offset(), m.value().decode()))
        if commit:
            last = {}
            for p, o, _ in got:
                last[p] = max(last.get(p, -1), o)
            c.commit(offsets=[TopicPartition(topic, p, o + 1) for p, o in last.items()],
                     asynchronous=False)
    finally:
        c.close()
    return got


def _consume_kafka_python(bootstrap, group, topic, n, commit=True, timeout=40):
    from kafka import KafkaConsumer, OffsetAndMetadata
    from kafka import TopicPartition as KTP
    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                      auto_offset_reset="earliest", session_timeout_ms=SESSION_MS,
                      heartbeat_interval_ms=1000, fetch_max_wait_ms=100)
    got = []
    try:
        c.subscribe([topic])
        deadline = time.monotonic() + timeout
        while len(got) < n:
            itlib.check_alive()
            assert time.monotonic() < deadline, f"kafka-python consumed {len(got)} of {n}"
            for tp, msgs in c.poll(timeout_ms=200, max_records=n - len(got)).items():
                for m in msgs:
                    got.append((m.partition, m.offset, m.value.decode()))
        if commit:
            last = {}
            for p, o, _ in got:
                last[p] = max(last.get(p, -1), o)
            c.commit({KTP(topic, p): OffsetAndMetadata(o + 1, None) for p, o in last.items()})
    finally:
        c.close()
    return got


CONSUMERS = {"confluent": _consume_confluent, "kafka-python": _consume_kafka_python}


@pytest.mark.parametrize("first,second", [("confluent", "kafka-python"),
                                          ("kafka-python", "confluent")])
def test_commit_and_resume(gb, first, second):
    topic = group = f"grp-resume-{first}"
    itlib.create_topic(gb.bootstrap, topic, 3)
    where = produce(gb.bootstrap, topic, 1000, topic)
    half = CONSUMERS[first](gb.bootstrap, group, topic, 500)
    assert len({(p, o) for p, o, _ in half}) == 500
    per = {}
    for p, o, _ in half:
        per.setdefault(p, []).append(o)
    for p, offs in per.items():
        assert offs == list(range(len(offs))), f"{first}: partition {p} read {offs[:10]}..."
    committed = committed_offsets(gb, group, topic, range(3))
    assert committed == {p: len(per[p]) if p in per else -1 for p in range(3)}, committed

    rest = CONSUMERS[second](gb.bootstrap, group, topic, 500, commit=True)
    seen = {(p, o) for p, o, _ in half}
    again = [(p, o) for p, o, _ in rest if (p, o) in seen]
    assert not again, f"{second} re-read {len(again)} committed records, e.g. {again[:5]}"
    for p in range(3):
        first_off = min((o for q, o, _ in rest if q == p), default=None)
        start = committed[p] if committed[p] >= 0 else 0
        hw = high_watermarks(where).get(p, 0)
        if start < hw:
            assert first_off == start, f"{second} resumed {topic}-{p} at {first_off}, " \
                                       f"committed {start}"
    assert seen | {(p, o) for p, o, _ in rest} == set(where)
    for p, o, v in half + rest:
        assert where[(p, o)] == v
    assert committed_offsets(gb, group, topic, range(3)) == \
        {p: high_watermarks(where).get(p, -1) for p in range(3)}


# --- 3. static membership -------------------------------------------------------------------
def probe_generation(broker, group, member_id, instance_id):
    """The group's generation, read with Heartbeat v3: NONE (or REBALANCE_IN_PROGRESS) only for
    the current generation, ILLEGAL_GENERATION for any other. Returns (generation, error)."""
    with conn(broker) as c:
        for g in range(0, 100):
            e = kg.heartbeat(c, group, g, member_id, instance_id)
            if e != kg.ILLEGAL_GENERATION:
                return g, e
    raise AssertionError(f"no generation 0..99 accepted for {member_id} in {group}")


def test_static_membership_restart(gb, tmp_path, procs):
    topic = group = "grp-static"
    session = 10000
    itlib.create_topic(gb.bootstrap, topic, 4)
    where = produce(gb.bootstrap, topic, 400, topic + "-a")
    s1 = Member("confluent", gb, group, topic, tmp_path, "s1", instance_id="static-1",
                session_ms=session)
    s2 = Member("confluent", gb, group, topic, tmp_path, "s2", instance_id="static-2",
                session_ms=session)
    for m in (s1, s2):
        procs.append(m)
        m.start()
    all4 = frozenset(range(4))

    def settled():
        cur = [current_assignment(m.events()) for m in (s1, s2)]
        return all(cur) and frozenset().union(*cur) == all4 and sum(map(len, cur)) == 4
    wait_for(settled, "two static members sharing 4 partitions", 40, watch=(s1, s2))
    wait_for(lambda: delivered([s1, s2]) >= set(where), "the first 400 records consumed", 40,
             watch=(s1, s2))
    before = wait_stable(gb, group, 2, watch=(s1, s2))
    ids = {m["instance_id"]: m["member_id"] for m in before["members"]}
    assert set(ids) == {"static-1", "static-2"}, before
    gen1, e = probe_generation(gb, group, ids["static-2"], "static-2")
    assert e == kg.NONE, f"heartbeat of static-2 at generation {gen1}: {kg.ename(e)}"
    s1_parts = current_assignment(s1.events())
    s2_events = len(s2.events())

    # Restart static-1 within its session timeout: close() (no LeaveGroup for a static
    # member), and a new process with the same group.instance.id.
    t_stop = s1.term()
    assert s1.wait(30) == 0, s1.tail()
    mid = describe(gb, group)
    assert mid["state"] == "Stable" and len(mid["members"]) == 2, \
        f"closing a static member changed the group: {mid}"
    s1b = Member("confluent", gb, group, topic, tmp_path, "s1b", instance_id="static-1",
                 session_ms=session)
    procs.append(s1b)
    s1b.start()
    wait_for(lambda: current_assignment(s1b.events()), "the restarted static member assigned",
             30, watch=(s1b, s2))
    t_back = next(ts for ts, k, f in s1b.events() if k == "A" and f)
    more = produce(gb.bootstrap, topic, 200, topic + "-b")
    where.update(more)
    wait_for(lambda: delivered([s1, s1b, s2]) >= set(where), "the next 200 records consumed", 40,
             watch=(s1b, s2))

    after = describe(gb, group)
    ids_after = {m["instance_id"]: m["member_id"] for m in after["members"]}
    gen2, e = probe_generation(gb, group, ids_after["static-2"], "static-2")
    new_s1_parts = current_assignment(s1b.events())
    s2_new = [(k, sorted(f) if f != "*" else f) for ts, k, f in s2.events()[s2_events:]
              if k in ("A", "R")]
    for m in (s1b, s2):
        m.term()
    for m in (s1b, s2):
        assert m.wait(30) == 0, m.tail()
    print(f"\nSTATIC: restart of static-1 -> reassigned in {t_back - t_stop:.3f}s; generation "
          f"{gen1} -> {gen2}; static-1 member id {ids['static-1']} -> {ids_after['static-1']}")

    assert after["state"] == "Stable" and set(ids_after) == {"static-1", "static-2"}, after
    assert ids_after["static-2"] == ids["static-2"], "static-2 got a new member id"
    assert ids_after["static-1"] != ids["static-1"], \
        "the restarted static member kept its old member id (Kafka gives it a new one)"
    assert (gen2, e) == (gen1, kg.NONE), \
        f"generation {gen1} before the restart, {gen2} ({kg.ename(e)}) after: a rebalance ran"
    assert new_s1_parts == s1_parts, \
        f"static-1 had {sorted(s1_parts)} before the restart, {sorted(new_s1_parts)} after"
    assert not s2_new, f"the other static member saw assignment changes: {s2_new}"
    check_deliveries(where, [s1, s1b, s2])


# --- 4. kcat -G ------------------------------------------------------------------------------
def test_kcat_balanced_consumers(gb, tmp_path, procs):
    topic = group = "grp-kcat"
    itlib.create_topic(gb.bootstrap, topic, 4)
    ks = []
    for i in range(2):
        k = Proc(f"kcat{i}", [KCAT, "-b", gb.bootstrap, "-G", group, "-u", "-f", r"%p %o %s\n",
                              "-X", "auto.offset.reset=earliest", "-X", "session.timeout.ms=6000",
                              "-X", "heartbeat.interval.ms=1000", topic],
                 tmp_path / f"kcat{i}.log", stdout_path=tmp_path / f"kcat{i}.out")
        procs.append(k)
        ks.append(k.start())

    def assigned():
        d = describe(gb, group)
        if d["state"] != "Stable" or len(d["members"]) != 2:
            return None
        asg = [kg.parse_assignment(m["assignment"]).get(topic, []) for m in d["members"]]
        return asg if all(asg) else None
    asg = wait_for(assigned, "two kcat members with partitions", 40, 0.2, watch=ks)
    where = produce(gb.bootstrap, topic, 2000, topic)

    def read_out(i):
        """Complete lines only: kcat may be in the middle of writing the last one."""
        data = (tmp_path / f"kcat{i}.out").read_text()
        out = []
        for line in data[:data.rfind("\n") + 1].splitlines():
            p, o, v = line.split(" ")
            out.append((int(p), int(o), v))
        return out

    wait_for(lambda: {(p, o) for i in range(2) for p, o, _ in read_out(i)} >= set(where),
             "kcat consuming every record", 40, 0.2, watch=ks)
    for k in ks:
        k.term()
    for k in ks:
        k.wait(30)
    got = [read_out(i) for i in range(2)]
    for i in range(2):
        for p, o, v in got[i]:
            assert where.get((p, o)) == v, f"kcat{i}: ({p}, {o}) = {v!r}"
    parts = [{p for p, _, _ in g} for g in got]
    print(f"\nKCAT: assignments {asg}; kcat0 read {len(got[0])} from {sorted(parts[0])}, "
          f"kcat1 read {len(got[1])} from {sorted(parts[1])}")
    assert all(got), f"one kcat consumed nothing: {[len(g) for g in got]}"
    assert not parts[0] & parts[1], f"both kcats read partitions {parts[0] & parts[1]}"
    assert len(got[0]) + len(got[1]) == len(where)
    assert committed_offsets(gb, group, topic, range(4)) == \
        {p: high_watermarks(where).get(p, -1) for p in range(4)}, "kcat's final commit"


# --- 5. broker kill -9 and restart ------------------------------------------------------------
def test_broker_kill9_recovers_offsets_and_group(broker_factory):
    b = broker_factory(BROKER_SETTINGS)
    require_groups(b)
    topic = "grp-crash"
    itlib.create_topic(b.bootstrap, topic, 3)
    where = produce(b.bootstrap, topic, 900, topic)

    # A real client commits half of the records of group A.
    half = _consume_confluent(b.bootstrap, "grp-crash-a", topic, 450)
    committed_a = committed_offsets(b, "grp-crash-a", topic, range(3))

    # Group B: a raw member, Stable at generation 2, with offsets committed under it.
    rm = kg.RawMember(b.host, b.port, "grp-crash-b", topics=[topic], session_timeout_ms=30000,
                      rebalance_timeout_ms=10000)
    try:
        r = rm.join()
        assert r["error"] == kg.NONE and r["leader"] == rm.member_id, r
        asg = kg.assignment_v0({topic: [0, 1, 2]})
        assert rm.sync({rm.member_id: asg}) == (kg.NONE, asg)
        r = rm.join()  # the leader rejoining a Stable group: a new generation
        assert r["error"] == kg.NONE and r["generation"] == 2, r
        assert rm.sync({rm.member_id: asg}) == (kg.NONE, asg)
        commit_b = {(topic, p): 100 + p for p in range(3)}
        assert rm.commit(commit_b) == {tp: kg.NONE for tp in commit_b}
        before = describe(b, "grp-crash-b")
    finally:
        rm.close()
    # Deletions must be durable too: group C deleted, one offset of group D deleted.
    with conn(b) as c:
        assert kg.offset_commit(c, "grp-crash-c", {(topic, 0): 5}) == {(topic, 0): kg.NONE}
        assert kg.delete_groups(c, ["grp-crash-c"]) == {"grp-crash-c": kg.NONE}
        assert kg.offset_commit(c, "grp-crash-d", {(topic, 0): 6, (topic, 1): 7}) == \
            {(topic, 0): kg.NONE, (topic, 1): kg.NONE}
        assert kg.offset_delete(c, "grp-crash-d", {topic: [0]}) == (kg.NONE, {(topic, 0): 0})

    b.kill()  # right after the acknowledged commit
    t0 = time.monotonic()
    b.start()
    require_groups(b)
    t_ready = time.monotonic() - t0

    assert committed_offsets(b, "grp-crash-a", topic, range(3)) == committed_a
    assert committed_offsets(b, "grp-crash-b", topic, range(3)) == \
        {p: 100 + p for p in range(3)}
    assert committed_offsets(b, "grp-crash-c", topic, range(3)) == {0: -1, 1: -1, 2: -1}, \
        "a deleted group's offsets came back after the restart"
    assert committed_offsets(b, "grp-crash-d", topic, range(3)) == {0: -1, 1: 7, 2: -1}, \
        "OffsetDelete did not survive the restart"
    after = describe(b, "grp-crash-b")
    print(f"\nCRASH: broker restarted and coordinating in {t_ready:.2f}s; group B before "
          f"{before['state']} {[m['member_id'] for m in before['members']]}, after "
          f"{after['state']} {[m['member_id'] for m in after['members']]}")
    assert after["state"] == "Stable", f"group after restart: {after}"
    assert [m["member_id"] for m in after["members"]] == [rm.member_id], after
    assert after["protocol_type"] == "consumer" and after["protocol"] == "range", after
    assert kg.parse_assignment(after["members"][0]["assignment"]) == {topic: [0, 1, 2]}, after
    with conn(b) as c:
        def hb(gen):
            return kg.retry(lambda: kg.heartbeat(c, "grp-crash-b", gen, rm.member_id),
                            "Heartbeat", err_of=lambda e: e)
        assert kg.ename(hb(2)) == kg.ename(kg.NONE), "the generation did not survive the restart"
        assert kg.ename(hb(3)) == kg.ename(kg.ILLEGAL_GENERATION)
        assert kg.ename(hb(1)) == kg.ename(kg.ILLEGAL_GENERATION)
        err, groups = kg.list_groups_v4(c)
        assert err == kg.NONE
        assert groups.get("grp-crash-a") == ("consumer", "Empty"), groups
        assert groups.get("grp-crash-b") == ("consumer", "Stable"), groups
        assert "grp-crash-c" not in groups, f"a deleted group came back: {groups}"
        assert groups.get("grp-crash-d") == ("", "Empty"), groups
        # The member leaves; the group is Empty and keeps its offsets.
        err, res = kg.leave_group(c, "grp-crash-b", [(rm.member_id, None)])
        assert (err, [e for _, _, e in res]) == (kg.NONE, [kg.NONE]), res

    # A new consumer of group A resumes at the offsets committed before the crash.
    rest = _consume_confluent(b.bootstrap, "grp-crash-a", topic, 450)
    for p in range(3):
        offs = sorted(o for q, o, _ in rest if q == p)
        start = committed_a[p] if committed_a[p] >= 0 else 0
        assert offs == list(range(start, high_watermarks(where)[p])), \
            f"partition {p}: resumed at {offs[:1]}, committed {committed_a[p]}"
    assert {(p, o) for p, o, _ in half + rest} == set(where)
    assert committed_offsets(b, "grp-crash-b", topic, range(3)) == {p: 100 + p for p in range(3)}


def test_broker_kill9_with_live_members(broker_factory, tmp_path, procs):
    """Two confluent members keep consuming across a broker kill -9 and restart: nothing lost,
    no committed record read again, and the group keeps its members and generation (a
    coordinator restart alone does not rebalance a Stable group)."""
    b = broker_factory(BROKER_SETTINGS)
    require_groups(b)
    topic = group = "grp-crash-live"
    itlib.create_topic(b.bootstrap, topic, 4)
    where = produce(b.bootstrap, topic, 600, topic + "-a")
    ms = [Member("confluent", b, group, topic, tmp_path, f"live{i}", session_ms=10000)
          for i in range(2)]
    for m in ms:
        procs.append(m)
        m.start()
    wait_for(lambda: delivered(ms) >= set(where), "the first 600 records consumed", 40,
             watch=ms)
    before = wait_stable(b, group, 2, watch=ms)
    ids = sorted(m["member_id"] for m in before["members"])
    gen1, e = probe_generation(b, group, ids[0], None)
    assert e == kg.NONE, kg.ename(e)
    n_events = [len(m.events()) for m in ms]

    b.kill()
    t_kill = time.time()
    time.sleep(1.0)
    b.start()
    require_groups(b)
    more = produce(b.bootstrap, topic, 600, topic + "-b")
    where.update(more)
    wait_for(lambda: delivered(ms) >= set(where), "the next 600 records consumed", 60, watch=ms)
    t_all = time.time()
    after = wait_stable(b, group, 2, watch=ms)
    gen2, e = probe_generation(b, group, ids[0], None)
    changes = [[(k, sorted(f) if f != "*" else f) for ts, k, f in m.events()[n:]
                if k in ("A", "R")] for m, n in zip(ms, n_events)]
    for m in ms:
        m.term()
    for m in ms:
        assert m.wait(30) == 0, m.tail()
    acct = check_deliveries(where, ms)
    print(f"\nCRASH-LIVE: generation {gen1} -> {gen2}; assignment events after the crash: "
          f"{changes}; all records consumed {t_all - t_kill:.2f}s after the kill; {acct}")
    assert sorted(m["member_id"] for m in after["members"]) == ids, (before, after)
    assert (gen2, e) == (gen1, kg.NONE), \
        f"generation {gen1} before the broker crash, {gen2} ({kg.ename(e)}) after"
    assert committed_offsets(b, group, topic, range(4)) == \
        {p: high_watermarks(where).get(p, -1) for p in range(4)}


# --- 6. error codes and admin APIs over the raw protocol --------------------------------------
def test_raw_coordinator_lookup(gb):
    with conn(gb) as c:
        r = kg.find_coordinator_v1(c, "any-group")
        assert (r["error"], r["node_id"], r["host"], r["port"]) == \
            (kg.NONE, 1, gb.host, gb.port), r
        rs = kg.find_coordinator_v4(c, ["g-one", "g-two"])
        assert [(x["key"], x["error"], x["node_id"], x["host"], x["port"]) for x in rs] == \
            [(k, kg.NONE, 1, gb.host, gb.port) for k in ("g-one", "g-two")], rs


def test_raw_join_sync_heartbeat_errors(gb):
    group = "raw-errs"
    topic = "raw-errs-t"
    itlib.create_topic(gb.bootstrap, topic, 2)
    m1 = kg.RawMember(gb.host, gb.port, group, topics=[topic])
    m2 = kg.RawMember(gb.host, gb.port, group, topics=[topic])
    try:
        # JoinGroup v4+ with an empty member id: MEMBER_ID_REQUIRED, with the id to use.
        r = m1.get_member_id()
        assert r["error"] == kg.MEMBER_ID_REQUIRED
        r = m1.join()
        assert r["error"] == kg.NONE, kg.ename(r["error"])
        assert (r["generation"], r["leader"], r["protocol_name"]) == (1, m1.member_id, "range"), r
        assert [(mid, md) for mid, _, md in r["members"]] == \
            [(m1.member_id, kg.subscription_v0([topic]))], r["members"]
        asg1 = kg.assignment_v0({topic: [0, 1]})
        assert m1.sync({m1.member_id: asg1}) == (kg.NONE, asg1)
        assert m1.heartbeat() == kg.NONE

        # Heartbeat / SyncGroup / OffsetCommit with a bad member or generation.
        assert kg.ename(m1.heartbeat(member_id="no-such-member")) == kg.ename(kg.UNKNOWN_MEMBER_ID)
        assert kg.ename(m1.heartbeat(generation=2)) == kg.ename(kg.ILLEGAL_GENERATION)
        assert kg.ename(m1.heartbeat(generation=0)) == kg.ename(kg.ILLEGAL_GENERATION)
        with conn(gb) as c:
            assert kg.ename(kg.heartbeat(c, "raw-no-such-group", 1, m1.member_id)) in \
                (kg.ename(kg.UNKNOWN_MEMBER_ID), kg.ename(kg.GROUP_ID_NOT_FOUND))
            err, _ = kg.sync_group(c, group, 5, m1.member_id)
            assert kg.ename(err) == kg.ename(kg.ILLEGAL_GENERATION)
            tp0 = (topic, 0)
            assert kg.offset_commit(c, group, {tp0: 1}, 7, m1.member_id) == \
                {tp0: kg.ILLEGAL_GENERATION}
            assert kg.offset_commit(c, group, {tp0: 1}, 1, "no-such-member") == \
                {tp0: kg.UNKNOWN_MEMBER_ID}
            # A simple (generation -1, member "") commit into a group with members.
            assert kg.offset_commit(c, group, {tp0: 1}) == {tp0: kg.UNKNOWN_MEMBER_ID}
        assert m1.commit({(topic, 0): 3, (topic, 1): 4}) == {(topic, 0): 0, (topic, 1): 0}

        # Session timeouts outside group.min/max.session.timeout.ms.
        with conn(gb) as c:
            for st in (SESSION_MS - 1, 1000, 1800001):
                r = kg.join_group(c, group=group, session_timeout_ms=st)
                assert kg.ename(r["error"]) == kg.ename(kg.INVALID_SESSION_TIMEOUT), (st, r)
            # A protocol type the group does not use.
            r = kg.join_group(c, group=group, protocol_type="connect")
            assert kg.ename(r["error"]) == kg.ename(kg.INCONSISTENT_GROUP_PROTOCOL), r

        # A second member (JoinGroup v3: no MEMBER_ID_REQUIRED round) starts a rebalance; its
        # join waits, and m1's heartbeat says REBALANCE_IN_PROGRESS until m1 rejoins.
        corr = kg.send_join_group(m2.conn, version=3, group=group, protocols=[
            ("range", kg.subscription_v0([topic]))])
        t0 = time.monotonic()
        wait_for(lambda: describe(gb, group)["state"] == "PreparingRebalance",
                 "PreparingRebalance after a new member's join", 10)
        assert kg.ename(m1.heartbeat()) == kg.ename(kg.REBALANCE_IN_PROGRESS)
        with conn(gb) as c:
            assert kg.offset_commit(c, group, {(topic, 0): 3}, 1, m1.member_id) == \
                {(topic, 0): kg.NONE}, "commits at the current generation during the join phase"
        r1 = m1.join()
        r2 = kg.recv_join_group(m2.conn, corr, version=3)
        print(f"\nRAW: second member's JoinGroup answered after {time.monotonic() - t0:.3f}s")
        assert r1["error"] == kg.NONE and r2["error"] == kg.NONE, (r1, r2)
        m2.member_id, m2.generation = r2["member_id"], r2["generation"]
        assert r1["generation"] == r2["generation"] == 2, (r1, r2)
        assert r1["leader"] == r2["leader"] == m1.member_id
        assert sorted(mid for mid, _, _ in r1["members"]) == sorted([m1.member_id, m2.member_id])
        assert r2["members"] == [], "a follower got the member list"
        # CompletingRebalance: no commits until the assignment is known; heartbeats are fine.
        with conn(gb) as c:
            assert describe(gb, group)["state"] == "CompletingRebalance"
            assert kg.offset_commit(c, group, {(topic, 0): 3}, 2, m1.member_id) == \
                {(topic, 0): kg.REBALANCE_IN_PROGRESS}
            assert kg.ename(m2.heartbeat()) == kg.ename(kg.NONE)
        # The follower's SyncGroup waits for the leader's.
        corr2 = kg.send_sync_group(m2.conn, group, 2, m2.member_id)
        a1, a2 = kg.assignment_v0({topic: [0]}), kg.assignment_v0({topic: [1]})
        assert m1.sync({m1.member_id: a1, m2.member_id: a2}) == (kg.NONE, a1)
        assert kg.recv_sync_group(m2.conn, corr2) == (kg.NONE, a2)
        assert m1.heartbeat() == kg.NONE and m2.heartbeat() == kg.NONE
        assert kg.ename(m2.heartbeat(generation=1)) == kg.ename(kg.ILLEGAL_GENERATION)

        with conn(gb) as c:
            d = kg.describe_groups(c, [group, "raw-never-existed"])
            g = d[group]
            assert (g["error"], g["state"], g["protocol_type"], g["protocol"]) == \
                (kg.NONE, "Stable", "consumer", "range"), g
            assert {m["member_id"]: kg.parse_assignment(m["assignment"]) for m in g["members"]} \
                == {m1.member_id: {topic: [0]}, m2.member_id: {topic: [1]}}, g
            assert all(m["client_id"] == "gregor-it" for m in g["members"]), g
            dead = d["raw-never-existed"]
            assert (dead["error"], dead["state"], dead["members"]) == (kg.NONE, "Dead", []), dead

            # ListGroups, with and without a states filter (case-insensitive, as in Kafka).
            err, all_groups = kg.list_groups_v0(c)
            assert err == kg.NONE and all_groups.get(group) == "consumer", all_groups
            for states, listed in ((["Stable"], True), (["stable"], True), (["Empty"], False),
                                   (["PreparingRebalance", "Stable"], True), ([], True)):
                err, gs = kg.list_groups_v4(c, states)
                assert err == kg.NONE
                assert (gs.get(group) == ("consumer", "Stable")) == listed, (states, gs)
                assert all(not states or st.lower() in [s.lower() for s in states]
                           for _, st in gs.values()), (states, gs)

            # DeleteGroups: not while it has members; unknown ids.
            assert kg.delete_groups(c, [group, "raw-never-existed"]) == \
                {group: kg.NON_EMPTY_GROUP, "raw-never-existed": kg.GROUP_ID_NOT_FOUND}
            # OffsetDelete of a topic the Stable group subscribes to.
            err, res = kg.offset_delete(c, group, {topic: [0]})
            assert (err, res) == (kg.NONE, {(topic, 0): kg.GROUP_SUBSCRIBED_TO_TOPIC}), (err, res)

        # LeaveGroup: an unknown member, then m2; m1 then sees the rebalance.
        err, res = kg.leave_group(m1.conn, group, [("no-such-member", None)])
        assert (err, [e for _, _, e in res]) == (kg.NONE, [kg.UNKNOWN_MEMBER_ID]), res
        err, res = m2.leave()
        assert (err, res) == (kg.NONE, [(m2.member_id, None, kg.NONE)]), res
        assert kg.ename(m1.heartbeat()) == kg.ename(kg.REBALANCE_IN_PROGRESS)
        err, res = m1.leave()
        assert (err, [e for _, _, e in res]) == (kg.NONE, [kg.NONE]), res
        assert kg.ename(m1.heartbeat()) == kg.ename(kg.UNKNOWN_MEMBER_ID)

        with conn(gb) as c:
            d = kg.describe_groups(c, [group])[group]
            assert (d["state"], d["members"]) == ("Empty", []), d
            err, offs = kg.offset_fetch_v5(c, group, {topic: [0, 1]})
            assert {tp: o for tp, (o, _, _) in offs.items()} == {(topic, 0): 3, (topic, 1): 4}
            assert kg.delete_groups(c, [group]) == {group: kg.NONE}
            err, offs = kg.offset_fetch_v5(c, group, {topic: [0, 1]})
            assert {tp: o for tp, (o, _, _) in offs.items()} == {(topic, 0): -1, (topic, 1): -1}, \
                "offsets survived DeleteGroups"
            err, gs = kg.list_groups_v4(c)
            assert group not in gs, gs
            assert kg.delete_groups(c, [group]) == {group: kg.GROUP_ID_NOT_FOUND}
    finally:
        m1.close()
        m2.close()


def test_raw_rebalance_timeout_drops_laggard(gb):
    """A member that does not rejoin within the rebalance timeout is dropped (even though it
    keeps heartbeating), and the rebalance completes with the others."""
    group = "raw-laggard"
    topic = "raw-laggard-t"
    itlib.create_topic(gb.bootstrap, topic, 1)
    a, b, c = (kg.RawMember(gb.host, gb.port, group, topics=[topic], rebalance_timeout_ms=2000)
               for _ in range(3))
    try:
        assert a.join()["generation"] == 1
        assert a.sync({a.member_id: kg.assignment_v0({topic: [0]})})[0] == kg.NONE
        def preparing():
            return describe(gb, group)["state"] == "PreparingRebalance"

        b.get_member_id()
        b.send_join()
        wait_for(preparing, "PreparingRebalance after b's join", 10)
        assert kg.ename(a.heartbeat()) == kg.ename(kg.REBALANCE_IN_PROGRESS)
        ra, rb = a.join(), b.recv_join()
        assert ra["generation"] == rb["generation"] == 2, (ra, rb)
        assert a.sync({a.member_id: kg.assignment_v0({topic: [0]})})[0] == kg.NONE
        assert b.sync()[0] == kg.NONE

        c.get_member_id()
        c.send_join()
        wait_for(preparing, "PreparingRebalance after c's join", 10)
        assert kg.ename(a.heartbeat()) == kg.ename(kg.REBALANCE_IN_PROGRESS)
        t0 = time.monotonic()
        a.send_join()
        # b heartbeats but never rejoins.
        assert kg.ename(b.heartbeat()) == kg.ename(kg.REBALANCE_IN_PROGRESS)
        ra = a.recv_join(timeout=20)
        waited = time.monotonic() - t0
        rc = c.recv_join(timeout=5)
        print(f"\nRAW: join phase ended {waited:.3f}s after the rejoin (rebalance timeout 2 s)")
        assert ra["error"] == rc["error"] == kg.NONE, (ra, rc)
        assert ra["generation"] == rc["generation"] == 3, (ra, rc)
        assert sorted(m for m, _, _ in ra["members"]) == sorted([a.member_id, c.member_id]), ra
        assert kg.ename(b.heartbeat()) == kg.ename(kg.UNKNOWN_MEMBER_ID)
        d = describe(gb, group)
        assert d["state"] == "CompletingRebalance" and \
            sorted(m["member_id"] for m in d["members"]) == sorted([a.member_id, c.member_id]), d
    finally:
        for m in (a, b, c):
            m.close()


def test_raw_static_member_fencing(gb):
    """A second JoinGroup with the same group.instance.id takes over the static member: same
    generation, no rebalance, the old member id is fenced (FENCED_INSTANCE_ID)."""
    group = "raw-static"
    topic = "raw-static-t"
    itlib.create_topic(gb.bootstrap, topic, 2)
    old = kg.RawMember(gb.host, gb.port, group, topics=[topic], instance_id="inst-1")
    new = kg.RawMember(gb.host, gb.port, group, topics=[topic], instance_id="inst-1")
    try:
        r = old.join()  # a static member gets no MEMBER_ID_REQUIRED round
        assert r["error"] == kg.NONE and r["leader"] == old.member_id, r
        assert r["members"] == [(old.member_id, "inst-1", kg.subscription_v0([topic]))], r
        asg = kg.assignment_v0({topic: [0, 1]})
        assert old.sync({old.member_id: asg}) == (kg.NONE, asg)
        gen = old.generation

        r = new.join()
        assert r["error"] == kg.NONE, r
        assert r["generation"] == gen, f"a static member's return started a rebalance: {r}"
        assert new.member_id != old.member_id, r
        assert r["leader"] != new.member_id and r["members"] == [], \
            f"the returning static member was made to assign: {r}"
        assert new.sync() == (kg.NONE, asg), "the returning static member lost its assignment"
        assert new.heartbeat() == kg.NONE

        assert kg.ename(old.heartbeat()) == kg.ename(kg.FENCED_INSTANCE_ID)
        assert old.commit({(topic, 0): 1}) == {(topic, 0): kg.FENCED_INSTANCE_ID}
        err, _ = old.sync()
        assert kg.ename(err) == kg.ename(kg.FENCED_INSTANCE_ID)
        d = describe(gb, group)
        assert d["state"] == "Stable" and \
            [(m["member_id"], m["instance_id"]) for m in d["members"]] == \
            [(new.member_id, "inst-1")], d
        # Removing a static member by its instance id alone (member id "").
        err, res = kg.leave_group(new.conn, group, [("", "inst-1")])
        assert err == kg.NONE and [e for _, _, e in res] == [kg.NONE], res
        d = describe(gb, group)
        assert (d["state"], d["members"]) == ("Empty", []), d
    finally:
        old.close()
        new.close()


def test_raw_simple_commit_offset_fetch_delete(gb):
    topic = "raw-simple-t"
    itlib.create_topic(gb.bootstrap, topic, 3)
    with conn(gb) as c:
        # Simple consumer commits (generation -1, member ""): no membership needed.
        assert kg.offset_commit(c, "raw-simple-a", {(topic, 0): 5, (topic, 1): 10}) == \
            {(topic, 0): 0, (topic, 1): 0}
        assert kg.offset_commit(c, "raw-simple-b", {(topic, 2): 3}) == {(topic, 2): 0}
        r = kg.offset_commit(c, "raw-simple-a", {("raw-no-such-topic", 0): 1})
        assert r == {("raw-no-such-topic", 0): kg.UNKNOWN_TOPIC_OR_PARTITION}, \
            f"commit to a missing topic: {r}"

        err, offs = kg.offset_fetch_v5(c, "raw-simple-a", {topic: [0, 1, 2]})
        assert err == kg.NONE
        assert {tp: (o, e) for tp, (o, _, e) in offs.items()} == \
            {(topic, 0): (5, 0), (topic, 1): (10, 0), (topic, 2): (-1, 0)}, offs
        err, offs = kg.offset_fetch_v5(c, "raw-simple-a", None)  # every committed offset
        assert err == kg.NONE and {tp: v[0] for tp, v in offs.items()} == \
            {(topic, 0): 5, (topic, 1): 10}, offs

        # OffsetFetch v8: several groups in one request, one of them unknown.
        res = kg.offset_fetch_v8(c, {"raw-simple-a": {topic: [0, 1]}, "raw-simple-b": None,
                                     "raw-simple-none": {topic: [0]}})
        assert set(res) == {"raw-simple-a", "raw-simple-b", "raw-simple-none"}, res
        assert res["raw-simple-a"][0] == kg.NONE
        assert {tp: v[0] for tp, v in res["raw-simple-a"][1].items()} == \
            {(topic, 0): 5, (topic, 1): 10}, res
        assert res["raw-simple-b"][0] == kg.NONE
        assert {tp: v[0] for tp, v in res["raw-simple-b"][1].items()} == {(topic, 2): 3}, res
        assert res["raw-simple-none"][0] == kg.NONE
        assert {tp: (v[0], v[2]) for tp, v in res["raw-simple-none"][1].items()} == \
            {(topic, 0): (-1, 0)}, res

        # The groups exist, Empty, without a protocol type.
        err, gs = kg.list_groups_v4(c, ["Empty"])
        assert gs.get("raw-simple-a") == ("", "Empty"), gs
        assert gs.get("raw-simple-b") == ("", "Empty"), gs
        d = kg.describe_groups(c, ["raw-simple-a"])["raw-simple-a"]
        assert (d["error"], d["state"], d["protocol_type"], d["members"]) == \
            (kg.NONE, "Empty", "", []), d

        # OffsetDelete on an Empty group.
        err, res = kg.offset_delete(c, "raw-simple-a", {topic: [0]})
        assert (err, res) == (kg.NONE, {(topic, 0): kg.NONE}), (err, res)
        err, offs = kg.offset_fetch_v5(c, "raw-simple-a", None)
        assert {tp: v[0] for tp, v in offs.items()} == {(topic, 1): 10}, offs
        err, _ = kg.offset_delete(c, "raw-simple-none", {topic: [0]})
        assert kg.ename(err) == kg.ename(kg.GROUP_ID_NOT_FOUND)

        # DeleteGroups of Empty groups removes them and their offsets.
        assert kg.delete_groups(c, ["raw-simple-a", "raw-simple-b"]) == \
            {"raw-simple-a": kg.NONE, "raw-simple-b": kg.NONE}
        res = kg.offset_fetch_v8(c, {"raw-simple-a": None, "raw-simple-b": {topic: [2]}})
        assert res["raw-simple-a"] == (kg.NONE, {}), res
        assert res["raw-simple-b"][1][(topic, 2)][0] == -1, res
        err, gs = kg.list_groups_v4(c)
        assert "raw-simple-a" not in gs and "raw-simple-b" not in gs, gs


def test_raw_commit_metadata(gb):
    """Commit metadata up to offset.metadata.max.bytes (Kafka's default 4096) is stored and
    returned; longer metadata is refused with OFFSET_METADATA_TOO_LARGE."""
    topic = "raw-meta-t"
    itlib.create_topic(gb.bootstrap, topic, 1)
    tp = (topic, 0)
    with conn(gb) as c:
        for md in ("meta-a", "x" * 4096):
            r = kg.offset_commit(c, "raw-meta", {tp: 7}, metadata=md)
            assert r == {tp: kg.NONE}, f"commit with {len(md)} bytes of metadata: " \
                                       f"{kg.ename(r[tp])}"
            err, offs = kg.offset_fetch_v5(c, "raw-meta", {topic: [0]})
            assert (err, offs[tp]) == (kg.NONE, (7, md, kg.NONE)), (err, offs)
        r = kg.offset_commit(c, "raw-meta", {tp: 8}, metadata="x" * 4097)
        assert r == {tp: kg.OFFSET_METADATA_TOO_LARGE}, r
        err, offs = kg.offset_fetch_v5(c, "raw-meta", {topic: [0]})
        assert offs[tp][0] == 7, offs


# --- 7. __consumer_offsets holds Kafka's record formats -----------------------------------------
def _decode_offsets_record(key, value):
    """Kafka's __consumer_offsets records: key v0/v1 = (group, topic, partition) with an
    OffsetCommitValue, key v2 = (group) with a GroupMetadataValue; a null value is a
    tombstone. Returns ("offset", (group, topic, p), dict|None) or ("group", group, dict|None)."""
    r = kwire.Reader(key)
    kv = r.i16()
    if kv in (0, 1):
        k = (r.string(), r.string(), r.i32())
        if value is None:
            return "offset", k, None
        v = kwire.Reader(value)
        ver = v.i16()
        out = dict(version=ver, offset=v.i64())
        if ver >= 3:
            out["leader_epoch"] = v.i32()
        out["metadata"] = v.string()
        out["commit_ts"] = v.i64()
        return "offset", k, out
    assert kv == 2, f"unknown __consumer_offsets key version {kv}: {key!r}"
    g = r.string()
    if value is None:
        return "group", g, None
    v = kwire.Reader(value)
    ver = v.i16()
    assert 0 <= ver <= 3, f"GroupMetadataValue version {ver}"
    out = dict(version=ver, protocol_type=v.string(), generation=v.i32(), protocol=v.string(),
               leader=v.string())
    if ver >= 2:
        out["state_ts"] = v.i64()
    members = []
    for _ in range(v.i32()):
        m = dict(member_id=v.string())
        if ver >= 3:
            m["instance_id"] = v.string()
        m["client_id"] = v.string()
        m["client_host"] = v.string()
        if ver >= 1:
            m["rebalance_timeout"] = v.i32()
        m["session_timeout"] = v.i32()
        m["subscription"] = kg._bytes(v)
        m["assignment"] = kg._bytes(v)
        members.append(m)
    out["members"] = members
    return "group", g, out


def test_consumer_offsets_records_kafka_format(gb):
    """What the coordinator writes to __consumer_offsets reads back, with a plain consumer,
    as Kafka's key/value schemas (tools such as lag exporters read this topic)."""
    topic = "fmt-t"
    itlib.create_topic(gb.bootstrap, topic, 2)
    t_before = itlib.now_ms()
    with conn(gb) as c:
        assert kg.offset_commit(c, "fmt-simple", {(topic, 0): 10, (topic, 1): 20}) == \
            {(topic, 0): 0, (topic, 1): 0}
        assert kg.offset_commit(c, "fmt-simple", {(topic, 0): 11}) == {(topic, 0): 0}
        assert kg.offset_delete(c, "fmt-simple", {topic: [1]}) == (kg.NONE, {(topic, 1): 0})
    m = kg.RawMember(gb.host, gb.port, "fmt-member", topics=[topic], session_timeout_ms=7000,
                     rebalance_timeout_ms=9000)
    asg = kg.assignment_v0({topic: [0, 1]})
    try:
        assert m.join()["error"] == kg.NONE
        assert m.sync({m.member_id: asg}) == (kg.NONE, asg)
        assert m.commit({(topic, 0): 3}) == {(topic, 0): 0}
    finally:
        m.close()

    parts = range(BROKER_SETTINGS["offsets.topic.num.partitions"])
    wm = itlib.watermarks(gb.bootstrap, "__consumer_offsets", parts)
    got = itlib.confluent_consume(gb.bootstrap, "__consumer_offsets",
                                  {p: hi - lo for p, (lo, hi) in wm.items() if hi > lo},
                                  start={p: lo for p, (lo, hi) in wm.items()})
    offsets, groups = {}, {}
    for p in sorted(got):
        for msg in got[p]:
            kind, k, v = _decode_offsets_record(msg.key, msg.value)
            (offsets if kind == "offset" else groups)[k] = v  # the last record per key wins
    print(f"\nFORMAT: {sum(len(v) for v in got.values())} __consumer_offsets records, "
          f"{len(offsets)} offset keys, {len(groups)} group keys")

    o0 = offsets.get(("fmt-simple", topic, 0))
    assert o0 is not None and o0["offset"] == 11 and o0["metadata"] == "", o0
    assert o0["commit_ts"] >= t_before - 5000, o0
    assert ("fmt-simple", topic, 1) in offsets and offsets[("fmt-simple", topic, 1)] is None, \
        "OffsetDelete wrote no tombstone for the deleted offset"
    assert offsets.get(("fmt-member", topic, 0), {}).get("offset") == 3
    g = groups.get("fmt-member")
    assert g is not None, f"no GroupMetadata record for fmt-member: {sorted(groups)}"
    assert (g["protocol_type"], g["generation"], g["protocol"], g["leader"]) == \
        ("consumer", 1, "range", m.member_id), g
    assert len(g["members"]) == 1, g
    gm = g["members"][0]
    assert (gm["member_id"], gm["client_id"], gm["session_timeout"]) == \
        (m.member_id, "gregor-it", 7000), gm
    assert gm.get("rebalance_timeout", 9000) == 9000, gm
    assert gm["subscription"] == kg.subscription_v0([topic]), gm
    assert gm["assignment"] == asg, "the GroupMetadata record lacks the synced assignment"
