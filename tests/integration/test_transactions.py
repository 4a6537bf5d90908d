"""Exactly-once: idempotent producers and transactions against a real gregor.

- an idempotent producer whose connections are cut after the broker got a Produce request but
  before the answer came back (so it retries the same batches): the log holds every record
  once, in order, checked record by record;
- transactions with confluent-kafka (librdkafka) and kafkajs: read_committed consumers see the
  committed transactions and never an aborted one, read_uncommitted ones see both, and the
  markers show in `gregor dump-log`; kafka-python (no transactions of its own) reads such a
  topic as it does from Kafka;
- a zombie producer with the same transactional.id is fenced; a transaction left open past its
  timeout is aborted by the coordinator and stops holding back the last stable offset;
- a consume-transform-produce loop (read A in a group, write B and commit the offsets in the
  same transaction) with the broker killed by kill -9 several times: B holds each input
  record's output exactly once.
"""
import json
import socket
import struct
import subprocess
import threading
import time

import confluent_kafka as ck
import pytest

import itlib
import kwire
from conftest import free_ports
from itlib import GREGOR_BIN, create_topic
from test_kafkajs import run_node

FAST_TXN = {
    "transaction.abort.timed.out.transaction.cleanup.interval.ms": "500",
    "group.initial.rebalance.delay.ms": "0",
}


def read_values(bootstrap, topic, isolation, expect=None, idle=3.0, timeout=60.0, partitions=None):
    """Every value of topic from the beginning (assign mode), until idle for `idle` s (or
    `expect` values arrived)."""
    c = ck.Consumer({"bootstrap.servers": bootstrap, "group.id": f"reader-{time.monotonic_ns()}",
                     "enable.auto.commit": False, "isolation.level": isolation,
                     "auto.offset.reset": "earliest"})
    try:
        md = c.list_topics(topic, timeout=10)
        parts = partitions or sorted(md.topics[topic].partitions)
        c.assign([ck.TopicPartition(topic, p, ck.OFFSET_BEGINNING) for p in parts])
        got, last, start = [], time.monotonic(), time.monotonic()
        while time.monotonic() - last < idle and time.monotonic() - start < timeout:
            m = c.poll(0.2)
            if m is None:
                continue
            if m.error():
                continue
            got.append((m.partition(), m.offset(), m.value().decode()))
            last = time.monotonic()
            if expect is not None and len(got) >= expect:
                break
        return got
    finally:
        c.close()


def dump_markers(broker, topic, partition=0):
    out = subprocess.run([GREGOR_BIN, "dump-log", "--print-data-log",
                          *map(str, broker.segments(topic, partition))],
                         capture_output=True, timeout=60, check=True).stdout.decode()
    return [line for line in out.splitlines() if "endTxnMarker" in line]


def txn_producer(bootstrap, txn_id, **extra):
    conf = {"bootstrap.servers": bootstrap, "transactional.id": txn_id, "linger.ms": 5}
    conf.update(extra)
    p = ck.Producer(conf)
    p.init_transactions(30)
    return p


# --- idempotence -----------------------------------------------------------------------------

class CuttingProxy:
    """A TCP proxy in front of the broker that, every `every`-th Produce request, forwards the
    request and then closes the client's connection before the response comes back: the
    producer must retry a batch the broker already wrote."""

    def __init__(self, upstream_port, listen_port, every=7):
        self.upstream = upstream_port
        self.every = every
        self.produces = 0
        self.cuts = 0
        self.lock = threading.Lock()
        self.stopping = False
        self.srv = socket.socket()
        self.srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.srv.bind(("127.0.0.1", listen_port))
        self.srv.listen(64)
        self.srv.settimeout(0.2)
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stopping:
            try:
                client, _ = self.srv.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            up = socket.create_connection(("127.0.0.1", self.upstream))
            threading.Thread(target=self._pump_requests, args=(client, up), daemon=True).start()
            threading.Thread(target=self._pump, args=(up, client), daemon=True).start()

    @staticmethod
    def _read_exact(s, n):
        buf = b""
        while len(buf) < n:
            chunk = s.recv(n - len(buf))
            if not chunk:
                raise OSError("closed")
            buf += chunk
        return buf

    def _pump_requests(self, client, up):
        try:
            while True:
                size = self._read_exact(client, 4)
                body = self._read_exact(client, struct.unpack(">i", size)[0])
                up.sendall(size + body)
                if struct.unpack(">h", body[:2])[0] == 0:  # Produce
                    with self.lock:
                        self.produces += 1
                        cut = self.produces % self.every == 0
                        if cut:
                            self.cuts += 1
                    if cut:
                        time.sleep(0.05)  # let the broker write it
                        raise OSError("cut")
        except OSError:
            pass
        finally:
            for s in (client, up):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    @staticmethod
    def _pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.stopping = True
        self.srv.close()


def test_idempotent_producer_retries_after_cut_connections_leave_no_duplicate_and_no_gap(broker_factory):
    (proxy_port,) = free_ports(1)
    b = broker_factory(start=False)
    b.settings["advertised.listeners"] = f"PLAINTEXT://127.0.0.1:{proxy_port}"
    proxy = CuttingProxy(b.port, proxy_port, every=7)
    try:
        b.start()
        bootstrap = f"127.0.0.1:{proxy_port}"
        create_topic(bootstrap, "idem", 2)
        p = ck.Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "linger.ms": 2,
                         "batch.num.messages": 50, "message.timeout.ms": 120000,
                         "retry.backoff.ms": 20})
        n = 4000
        failed = []
        for i in range(n):
            while True:
                try:
                    p.produce("idem", key=str(i % 2).encode(), value=f"v-{i}".encode(), partition=i % 2,
                              on_delivery=lambda err, msg: failed.append(err) if err else None)
                    break
                except BufferError:
                    p.poll(0.05)
            if i % 100 == 0:
                p.poll(0)
        assert p.flush(120) == 0
        assert failed == []
        assert proxy.cuts >= 5, f"only {proxy.cuts} connections cut of {proxy.produces} produce requests"
        got = read_values(b.bootstrap, "idem", "read_uncommitted", expect=n + 1, idle=3.0)
        for part in (0, 1):
            values = [v for (pp, _, v) in sorted(got) if pp == part]
            expected = [f"v-{i}" for i in range(part, n, 2)]
            dups = len(values) - len(set(values))
            missing = sorted(set(expected) - set(values), key=lambda v: int(v[2:]))
            assert dups == 0 and not missing and values == expected, (
                f"partition {part}: {dups} duplicates, {len(missing)} missing (e.g. {missing[:5]}), "
                f"order {'kept' if values == sorted(values, key=lambda v: int(v[2:])) else 'broken'}; "
                f"{proxy.cuts} cuts")
        print(f"\nidempotence: {n} records, {proxy.produces} produce requests, {proxy.cuts} cut mid-request, "
              f"0 duplicates, 0 gaps")
    finally:
        proxy.close()


def test_sequence_gap_duplicate_and_stale_epoch_over_the_wire(broker):
    create_topic(broker.bootstrap, "seq", 1)
    with kwire.Conn(broker.host, broker.port) as c:
        err, pid, epoch = kwire.init_producer_id_v0(c)
        assert (err, epoch) == (0, 0) and pid >= 0
        assert kwire.produce_idempotent(c, "seq", 0, pid, 0, 0, [b"a", b"b"]) == (0, 0)
        assert kwire.produce_idempotent(c, "seq", 0, pid, 0, 5, [b"x"])[0] == 45  # OUT_OF_ORDER_SEQUENCE_NUMBER
        # The same batch again is answered with its original offset and not written twice.
        assert kwire.produce_idempotent(c, "seq", 0, pid, 0, 0, [b"a", b"b"]) == (0, 0)
        assert kwire.produce_idempotent(c, "seq", 0, pid, 0, 2, [b"c"]) == (0, 2)
        # A new epoch starts at sequence 0; the old epoch is then refused.
        assert kwire.produce_idempotent(c, "seq", 0, pid, 1, 3, [b"y"])[0] == 45
        assert kwire.produce_idempotent(c, "seq", 0, pid, 1, 0, [b"d"]) == (0, 3)
        assert kwire.produce_idempotent(c, "seq", 0, pid, 0, 3, [b"z"])[0] == 47  # INVALID_PRODUCER_EPOCH
        # Two fresh ids are distinct.
        assert kwire.init_producer_id_v0(c)[1] != pid
    got = read_values(broker.bootstrap, "seq", "read_uncommitted", expect=4)
    assert [v for (_, _, v) in got] == ["a", "b", "c", "d"]


# --- transactions ----------------------------------------------------------------------------

def test_confluent_transactions_commit_and_abort_with_both_isolation_levels(broker_factory):
    b = broker_factory(settings=FAST_TXN)
    create_topic(b.bootstrap, "txn", 3)
    p = txn_producer(b.bootstrap, "ck-txn")
    expected_committed = []
    for name, commit in [("c1", True), ("a1", False), ("c2", True), ("a2", False), ("c3", True)]:
        p.begin_transaction()
        for i in range(30):
            p.produce("txn", key=str(i).encode(), value=f"{name}-{i}".encode())
        p.flush(30)  # the records are in the log before the transaction ends
        if commit:
            p.commit_transaction(30)
            expected_committed += [f"{name}-{i}" for i in range(30)]
        else:
            p.abort_transaction(30)
    # Non-transactional writes after the transactions are readable too.
    plain = ck.Producer({"bootstrap.servers": b.bootstrap})
    plain.produce("txn", value=b"plain", partition=0)
    plain.flush(30)
    committed = read_values(b.bootstrap, "txn", "read_committed")
    uncommitted = read_values(b.bootstrap, "txn", "read_uncommitted")
    assert sorted(v for (_, _, v) in committed) == sorted(expected_committed + ["plain"])
    assert not [v for (_, _, v) in committed if v.startswith("a")]
    assert len([v for (_, _, v) in uncommitted if v.startswith("a")]) == 60
    assert len(uncommitted) == 150 + 1
    markers = []
    for part in range(3):
        markers += dump_markers(b, "txn", part)
    assert any("endTxnMarker: COMMIT" in m for m in markers), markers
    assert any("endTxnMarker: ABORT" in m for m in markers), markers
    # Committed transactions' offsets are not visible to the group until the commit either.


def test_kafka_python_reads_a_transactional_topic_as_it_does_from_kafka(broker_factory):
    """kafka-python 2.0.2 has no idempotence, transactions or read_committed: it reads as a
    read_uncommitted consumer, committed and aborted records alike, and (as from Apache Kafka,
    whose control batches it does not recognise) hands the markers out as records whose key is
    the 4-byte control key (version 0, type 0 abort / 1 commit)."""
    from kafka import KafkaConsumer, TopicPartition
    b = broker_factory(settings=FAST_TXN)
    create_topic(b.bootstrap, "kp-txn", 1)
    p = txn_producer(b.bootstrap, "kp-txn")
    for name, commit in [("c1", True), ("a1", False)]:
        p.begin_transaction()
        for i in range(10):
            p.produce("kp-txn", value=f"{name}-{i}".encode(), partition=0)
        p.flush(30)
        p.commit_transaction(30) if commit else p.abort_transaction(30)
    c = KafkaConsumer(bootstrap_servers=b.bootstrap, enable_auto_commit=False,
                      auto_offset_reset="earliest")
    got, deadline = [], time.monotonic() + 60
    try:
        c.assign([TopicPartition("kp-txn", 0)])
        while len(got) < 22 and time.monotonic() < deadline:  # 20 records, 2 markers
            for msgs in c.poll(timeout_ms=500).values():
                got += [(m.offset, m.key, m.value) for m in msgs]
    finally:
        c.close()
    data = [v.decode() for (_, k, v) in got if k is None]
    controls = [(off, k) for (off, k, _) in got if k is not None]
    assert data == [f"c1-{i}" for i in range(10)] + [f"a1-{i}" for i in range(10)], got
    assert controls == [(10, b"\x00\x00\x00\x01"), (21, b"\x00\x00\x00\x00")], got


def test_kafkajs_transactions_commit_and_abort(broker_factory, tmp_path):
    b = broker_factory(settings=FAST_TXN)
    create_topic(b.bootstrap, "kjs-txn", 1)
    out = tmp_path / "out.json"
    run_node("transactions.js", b.bootstrap, "kjs-txn", "kjs-1", str(out), timeout=180)
    got = json.loads(out.read_text())
    committed = [f"commit-1-{i}" for i in range(5)] + [f"commit-2-{i}" for i in range(5)]
    assert got["committed"] == committed
    assert sorted(got["uncommitted"]) == sorted(committed + [f"abort-{i}" for i in range(5)])
    markers = dump_markers(b, "kjs-txn")
    assert [("COMMIT" in m, "ABORT" in m) for m in markers] == [(True, False), (False, True), (True, False)]


def test_zombie_producer_with_the_same_transactional_id_is_fenced(broker_factory):
    b = broker_factory(settings=FAST_TXN)
    create_topic(b.bootstrap, "zombie", 1)
    old = txn_producer(b.bootstrap, "z-1")
    old.begin_transaction()
    old.produce("zombie", value=b"from-the-zombie")
    old.flush(30)
    new = txn_producer(b.bootstrap, "z-1")  # fences the old one and aborts its transaction
    new.begin_transaction()
    new.produce("zombie", value=b"from-the-new-one")
    new.commit_transaction(30)
    with pytest.raises(ck.KafkaException) as info:
        old.produce("zombie", value=b"late")
        old.commit_transaction(30)
    err = info.value.args[0]
    assert err.fatal() or err.code() in (ck.KafkaError._FENCED, ck.KafkaError.INVALID_PRODUCER_EPOCH,
                                         ck.KafkaError.PRODUCER_FENCED), err
    values = [v for (_, _, v) in read_values(b.bootstrap, "zombie", "read_committed")]
    assert values == ["from-the-new-one"]


def test_transaction_past_its_timeout_is_aborted_and_stops_holding_back_the_lso(broker_factory):
    b = broker_factory(settings=FAST_TXN)
    create_topic(b.bootstrap, "late", 1)
    stuck = txn_producer(b.bootstrap, "late-1", **{"transaction.timeout.ms": 2000})
    stuck.begin_transaction()
    stuck.produce("late", value=b"never-committed")
    stuck.flush(30)
    plain = ck.Producer({"bootstrap.servers": b.bootstrap})
    plain.produce("late", value=b"after")
    plain.flush(30)
    # While the transaction is open, read_committed readers stop at its first offset.
    assert read_values(b.bootstrap, "late", "read_committed", idle=1.0) == []
    deadline = time.monotonic() + 30
    while True:
        got = [v for (_, _, v) in read_values(b.bootstrap, "late", "read_committed", idle=1.0)]
        if got:
            break
        assert time.monotonic() < deadline, "the timed-out transaction still holds back the LSO"
    assert got == ["after"]
    assert "aborting transaction of late-1" in b.log_text()
    with pytest.raises(ck.KafkaException):
        stuck.commit_transaction(10)


# --- consume-transform-produce through broker crashes -----------------------------------------

class TransformLoop:
    """Reads A in group `eos`, writes "out-<n>" for each "in-<n>" to B and commits the consumed
    offsets in the same transaction; aborts and rewinds to the committed offsets on abortable
    errors, starts a new producer on fatal ones (as an application would)."""

    def __init__(self, bootstrap, total, per_txn=20):
        self.bootstrap = bootstrap
        self.total = total
        self.per_txn = per_txn
        self.commits = 0
        self.aborts = 0
        self.new_producers = 0
        self.errors = []
        self.done = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def producer(self):
        while not self.stop.is_set():
            try:
                return txn_producer(self.bootstrap, "eos-loop", **{"transaction.timeout.ms": 10000,
                                                                    "socket.timeout.ms": 5000})
            except ck.KafkaException as e:
                self.errors.append(f"init: {e}")
                time.sleep(0.5)

    def rewind(self, consumer):
        parts = consumer.assignment()
        if not parts:
            return
        for tp in consumer.committed(parts, timeout=30):
            consumer.seek(ck.TopicPartition(tp.topic, tp.partition,
                                            tp.offset if tp.offset >= 0 else ck.OFFSET_BEGINNING))

    def run(self):
        consumer = ck.Consumer({"bootstrap.servers": self.bootstrap, "group.id": "eos",
                                "enable.auto.commit": False, "auto.offset.reset": "earliest",
                                "isolation.level": "read_committed", "session.timeout.ms": 10000})
        consumer.subscribe(["A"])
        producer = self.producer()
        try:
            while not self.stop.is_set():
                msgs = [m for m in consumer.consume(self.per_txn, 1.0) if not m.error()]
                if not msgs:
                    if self.finished(consumer):
                        self.done.set()
                        return
                    continue
                try:
                    producer.begin_transaction()
                    for m in msgs:
                        producer.produce("B", key=m.key(), value=m.value().replace(b"in-", b"out-"))
                    positions = consumer.position(consumer.assignment())
                    producer.send_offsets_to_transaction(positions, consumer.consumer_group_metadata(), 30)
                    self.commit(producer)
                    self.commits += 1
                    time.sleep(0.03)
                except ck.KafkaException as e:
                    err = e.args[0]
                    self.errors.append(str(err))
                    if err.fatal():
                        self.new_producers += 1
                        producer = self.producer()
                    else:
                        try:
                            producer.abort_transaction(30)
                            self.aborts += 1
                        except ck.KafkaException as e2:
                            self.errors.append(f"abort: {e2}")
                            self.new_producers += 1
                            producer = self.producer()
                    self.rewind(consumer)
        finally:
            consumer.close()

    @staticmethod
    def commit(producer):
        # A retriable failure may be retried until it is decided.
        for _ in range(20):
            try:
                producer.commit_transaction(30)
                return
            except ck.KafkaException as e:
                if not e.args[0].retriable():
                    raise
                time.sleep(0.2)
        producer.commit_transaction(30)

    def finished(self, consumer):
        parts = consumer.assignment()
        if not parts:
            return False
        try:
            committed = consumer.committed(parts, timeout=10)
        except ck.KafkaException:
            return False
        return sum(max(tp.offset, 0) for tp in committed) >= self.total


def test_consume_transform_produce_is_exactly_once_through_broker_kills(broker_factory):
    b = broker_factory(settings=FAST_TXN)
    create_topic(b.bootstrap, "A", 1)
    create_topic(b.bootstrap, "B", 3)
    total = 1500
    src = ck.Producer({"bootstrap.servers": b.bootstrap, "enable.idempotence": True})
    for i in range(total):
        src.produce("A", key=str(i).encode(), value=f"in-{i}".encode())
    assert src.flush(60) == 0
    loop = TransformLoop(b.bootstrap, total)
    loop.thread.start()
    kills = 0
    try:
        for _ in range(3):
            time.sleep(2.0)
            if loop.done.is_set():
                break
            b.kill()
            kills += 1
            time.sleep(0.5)
            b.start()
        assert loop.done.wait(180), (f"the loop did not finish: {loop.commits} commits, {loop.aborts} aborts, "
                                     f"errors {loop.errors[-5:]}")
    finally:
        loop.stop.set()
        loop.thread.join(60)
    assert kills >= 2, "the loop finished before the broker could be killed twice"
    out = [v for (_, _, v) in read_values(b.bootstrap, "B", "read_committed", idle=3.0)]
    counts = {}
    for v in out:
        counts[v] = counts.get(v, 0) + 1
    missing = [i for i in range(total) if f"out-{i}" not in counts]
    dups = {v: c for v, c in counts.items() if c > 1}
    print(f"\nconsume-transform-produce: {total} inputs, {kills} broker kills, {loop.commits} commits, "
          f"{loop.aborts} aborts, {loop.new_producers} new producers; outputs {len(out)}, "
          f"{len(dups)} duplicated, {len(missing)} missing")
    assert not dups and not missing and len(out) == total, (dups and list(dups.items())[:5], missing[:5])


def java_partition(key, partitions):
    """Kafka's abs(key.hashCode()) % partitions (Java String.hashCode over UTF-16 units)."""
    h = 0
    data = key.encode("utf-16-be")
    for u in (int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)):
        h = (h * 31 + u) & 0xFFFFFFFF
    if h >= 1 << 31:
        h -= 1 << 32
    return 0 if h == -(1 << 31) else abs(h) % partitions


def test_consume_transform_produce_is_exactly_once_when_the_coordinators_leader_is_killed(tmp_path):
    from cluster import Cluster
    from test_replication import SETTINGS, create_topic as create_rf3, partition_state, wait_state

    cluster = Cluster(tmp_path, 3, settings=dict(SETTINGS, **FAST_TXN)).start()
    try:
        create_rf3(cluster.bootstrap, "A", 1)
        create_rf3(cluster.bootstrap, "B", 3)
        total = 1500
        src = ck.Producer({"bootstrap.servers": cluster.bootstrap, "enable.idempotence": True})
        for i in range(total):
            src.produce("A", key=str(i).encode(), value=f"in-{i}".encode())
        assert src.flush(60) == 0
        loop = TransformLoop(cluster.bootstrap, total)
        loop.thread.start()
        txn_part = java_partition("eos-loop", 50)
        kills = []
        try:
            for _ in range(3):
                leader, _, _ = wait_state(cluster, "__transaction_state",
                                          lambda l, r, isr: l >= 0 and len(isr) == 3, timeout=60,
                                          partition=txn_part, what="the coordinator's partition fully in sync")
                time.sleep(1.5)
                if loop.done.is_set():
                    break
                victim = cluster.node(leader)
                victim.kill()
                kills.append(leader)
                wait_state(cluster, "__transaction_state", lambda l, r, isr: l >= 0 and l != leader, timeout=60,
                           partition=txn_part, exclude=(leader,), what="a new coordinator")
                victim.start()
            assert loop.done.wait(240), (f"the loop did not finish: {loop.commits} commits, {loop.aborts} aborts, "
                                         f"errors {loop.errors[-5:]}")
        finally:
            loop.stop.set()
            loop.thread.join(60)
        assert len(kills) >= 2, "the loop finished before the coordinator could be killed twice"
        out = [v for (_, _, v) in read_values(cluster.bootstrap, "B", "read_committed", idle=3.0)]
        counts = {}
        for v in out:
            counts[v] = counts.get(v, 0) + 1
        missing = [i for i in range(total) if f"out-{i}" not in counts]
        dups = {v: c for v, c in counts.items() if c > 1}
        print(f"\nconsume-transform-produce, coordinator leader killed {len(kills)} times ({kills}): {total} inputs, "
              f"{loop.commits} commits, {loop.aborts} aborts, {loop.new_producers} new producers; outputs {len(out)}, "
              f"{len(dups)} duplicated, {len(missing)} missing")
        assert not dups and not missing and len(out) == total, (dups and list(dups.items())[:5], missing[:5])
    finally:
        cluster.destroy()


def test_cli_lists_and_describes_transactions_and_producers(broker_factory):
    b = broker_factory(settings=FAST_TXN)
    create_topic(b.bootstrap, "cli-txn", 1)
    p = txn_producer(b.bootstrap, "cli-1")
    p.begin_transaction()
    p.produce("cli-txn", value=b"x")
    p.flush(30)

    def gregor(*args):
        out = subprocess.run([GREGOR_BIN, *args, "--bootstrap-server", b.bootstrap], capture_output=True,
                             text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        return out.stdout

    listed = json.loads(gregor("transactions", "list", "--output", "json"))
    assert [(t["transactional_id"], t["state"]) for t in listed] == [("cli-1", "Ongoing")]
    desc = json.loads(gregor("transactions", "describe", "--transactional-id", "cli-1", "--output", "json"))
    assert desc["state"] == "Ongoing" and desc["producer_epoch"] == 0
    assert desc["topic_partitions"] == [{"topic": "cli-txn", "partition": 0}]
    producers = json.loads(gregor("producers", "describe", "cli-txn", "--output", "json"))
    assert len(producers) == 1
    assert producers[0]["producer_id"] == desc["producer_id"]
    assert producers[0]["current_txn_start_offset"] == 0 and producers[0]["last_sequence"] == 0
    text = gregor("transactions", "describe-producers", "--topic", "cli-txn")
    assert "CurrentTransactionStartOffset" in text.splitlines()[0]
    p.commit_transaction(30)
    deadline = time.monotonic() + 30
    while True:  # the markers are written after the commit is answered
        desc = json.loads(gregor("transactions", "describe", "--transactional-id", "cli-1", "--output", "json"))
        if desc["state"] == "CompleteCommit" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert desc["state"] == "CompleteCommit" and desc["topic_partitions"] == []
    assert "Ongoing" not in gregor("transactions", "list", "--state", "Ongoing")
    missing = subprocess.run([GREGOR_BIN, "transactions", "describe", "--transactional-id", "nope",
                              "--bootstrap-server", b.bootstrap], capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "TRANSACTIONAL_ID_NOT_FOUND" in missing.stderr
