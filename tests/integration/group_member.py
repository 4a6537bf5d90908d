"""One consumer-group member, run as a subprocess by test_groups.py:

    python3 group_member.py --client confluent|kafka-python --bootstrap HOST:PORT --group G
        --topic T --out FILE [--instance-id ID] [--session-timeout-ms 6000]
        [--max-seconds 120] [--client-id NAME]

It subscribes to T in group G, and for every record it reads it appends a line to FILE, then
commits that record's offset + 1 synchronously, then appends a line saying so. SIGTERM makes it
finish the record in hand and close() the consumer (which leaves the group, unless it is a
static member); SIGKILL leaves whatever is in FILE. It stops by itself after --max-seconds
(and is ended by SIGALRM 30 s later if the client blocks).

FILE is line oriented, each line "<unix time, seconds> <kind> ...", written unbuffered so that
a SIGKILL loses nothing that was written:
    T start <pid> <client>
    M <partition> <offset> <value>   a record was delivered (value as UTF-8, no spaces)
    C <partition> <next offset>      the synchronous commit of offset+1 succeeded
    F <partition> <next offset> <error>   that commit failed
    A <p,p,...>                      assignment after a rebalance ("-" if empty)
    R <p,p,...>                      partitions revoked ("*": all, from kafkajs)
    E <text>                         a consumer error
    X <reason>                       closed (only on a graceful exit)
Only partitions of T are listed; the member subscribes to nothing else.
"""
import argparse
import os
import signal
import sys
import time

stop = False


def on_term(signum, frame):
    global stop
    stop = True


class Out:
    def __init__(self, path):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def line(self, kind, *fields):
        s = " ".join([f"{time.time():.6f}", kind] + [str(f) for f in fields]) + "\n"
        os.write(self.fd, s.encode())


def plist(parts):
    return ",".join(str(p) for p in sorted(parts)) or "-"


def run_confluent(a, out):
    from confluent_kafka import Consumer, KafkaException, TopicPartition

    conf = {"bootstrap.servers": a.bootstrap, "group.id": a.group, "client.id": a.client_id,
            "enable.auto.commit": False, "enable.auto.offset.store": False,
            "auto.offset.reset": "earliest", "session.timeout.ms": a.session_timeout_ms,
            "heartbeat.interval.ms": 1000, "max.poll.interval.ms": 20000,
            "fetch.wait.max.ms": 100, "socket.timeout.ms": 10000,
            "topic.metadata.refresh.interval.ms": 5000, "enable.partition.eof": False}
    if a.instance_id:
        conf["group.instance.id"] = a.instance_id
    c = Consumer(conf)

    def on_assign(consumer, parts):
        out.line("A", plist(tp.partition for tp in parts if tp.topic == a.topic))

    def on_revoke(consumer, parts):
        out.line("R", plist(tp.partition for tp in parts if tp.topic == a.topic))

    c.subscribe([a.topic], on_assign=on_assign, on_revoke=on_revoke)
    deadline = time.monotonic() + a.max_seconds
    try:
        while not stop and time.monotonic() < deadline:
            m = c.poll(0.2)
            if m is None:
                continue
            if m.error() is not None:
                out.line("E", str(m.error()).replace("\n", " "))
                continue
            p, o = m.partition(), m.offset()
            out.line("M", p, o, (m.value() or b"").decode(errors="replace"))
            try:
                c.commit(offsets=[TopicPartition(a.topic, p, o + 1)], asynchronous=False)
                out.line("C", p, o + 1)
            except KafkaException as e:
                out.line("F", p, o + 1, str(e.args[0].name() if e.args else e).replace(" ", "_"))
    finally:
        c.close()
        out.line("X", "stop" if stop else "max-seconds")


def run_kafka_python(a, out):
    from kafka import ConsumerRebalanceListener, KafkaConsumer, OffsetAndMetadata
    from kafka.errors import KafkaError

    c = KafkaConsumer(bootstrap_servers=a.bootstrap, group_id=a.group, client_id=a.client_id,
                      enable_auto_commit=False, auto_offset_reset="earliest",
                      session_timeout_ms=a.session_timeout_ms, heartbeat_interval_ms=1000,
                      max_poll_interval_ms=20000, fetch_max_wait_ms=100,
                      request_timeout_ms=30000, metadata_max_age_ms=5000)

    class Listener(ConsumerRebalanceListener):
        def on_partitions_revoked(self, revoked):
            out.line("R", plist(tp.partition for tp in revoked if tp.topic == a.topic))

        def on_partitions_assigned(self, assigned):
            out.line("A", plist(tp.partition for tp in assigned if tp.topic == a.topic))

    c.subscribe([a.topic], listener=Listener())
    deadline = time.monotonic() + a.max_seconds

    def rewind(tp, offset):
        # Records fetched but not processed are read again by the next poll (unless the
        # partition is gone by then).
        try:
            c.seek(tp, offset)
        except Exception:
            pass

    try:
        while not stop and time.monotonic() < deadline:
            batch = c.poll(timeout_ms=200, max_records=20)
            failed = False
            for tp, msgs in batch.items():
                for m in msgs:
                    if stop or failed:
                        rewind(tp, m.offset)
                        break
                    # A record of a partition revoked since this poll is not processed.
                    if tp not in c.assignment():
                        break
                    out.line("M", m.partition, m.offset, (m.value or b"").decode(errors="replace"))
                    try:
                        c.commit({tp: OffsetAndMetadata(m.offset + 1, None)})
                        out.line("C", m.partition, m.offset + 1)
                    except KafkaError as e:
                        out.line("F", m.partition, m.offset + 1, type(e).__name__)
                        failed = True  # most likely rebalancing: poll again before going on
    finally:
        c.close()
        out.line("X", "stop" if stop else "max-seconds")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--client", choices=["confluent", "kafka-python"], required=True)
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--group", required=True)
    ap.add_argument("--topic", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--instance-id")
    ap.add_argument("--session-timeout-ms", type=int, default=6000)
    ap.add_argument("--max-seconds", type=float, default=120.0)
    ap.add_argument("--client-id", default="gregor-it-member")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    # A hard bound (SIGALRM's default action ends the process) for when the client blocks,
    # e.g. kafka-python's poll() while no coordinator answers.
    signal.alarm(int(a.max_seconds) + 30)
    out = Out(a.out)
    out.line("T", "start", os.getpid(), a.client)
    if a.client == "confluent":
        run_confluent(a, out)
    else:
        run_kafka_python(a, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
