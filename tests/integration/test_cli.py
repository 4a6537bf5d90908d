"""The gregor command line tools against a running broker: topics create/list/describe/delete,
dump-log (kafka-dump-log style), perf produce/consume."""
import json
import re
import subprocess
import time

import pytest

import itlib


def gregor(*args, timeout=120, check=True):
    rc, out, err = itlib.run_checked([itlib.GREGOR_BIN, *args], timeout)
    out, err = out.decode(errors="replace"), err.decode(errors="replace")
    if check and rc != 0:
        raise AssertionError(f"gregor {' '.join(map(str, args))} exited {rc}\n"
                             f"--- stdout ---\n{out[-3000:]}\n--- stderr ---\n{err[-3000:]}")
    return rc, out, err


@pytest.fixture(scope="module")
def shared(module_broker_factory):
    return module_broker_factory()


def test_topics_create_list_describe_delete(shared):
    bs = ["--bootstrap-server", shared.bootstrap]
    gregor("topics", "create", "cli-topic", "--partitions", 3, "--replication-factor", 1, *bs)
    md = itlib.wait_topic(shared.bootstrap, "cli-topic", 3)
    assert md.topics["cli-topic"].partitions[0].leader == 1

    _, out, _ = gregor("topics", "list", *bs)
    assert "cli-topic" in out.split(), out

    _, out, _ = gregor("topics", "describe", "cli-topic", *bs)
    assert "cli-topic" in out, out
    assert re.search(r"Topic: cli-topic\tPartitionCount: 3\tReplicationFactor: 1", out), out
    rows = re.findall(r"Partition: (\d+)\tLeader: (\S+)\tReplicas: (\S+)\tIsr: (\S+)", out)
    assert sorted(rows) == [(str(p), "1", "1", "1") for p in range(3)], out

    rc, out, err = gregor("topics", "create", "cli-topic", "--partitions", 3,
                          "--replication-factor", 1, *bs, check=False)
    assert rc != 0, "creating an existing topic should fail"
    assert re.search(r"exist", out + err, re.I), out + err

    gregor("topics", "delete", "cli-topic", *bs)
    itlib.wait_topic_absent(shared.bootstrap, "cli-topic")
    _, out, _ = gregor("topics", "list", *bs)
    assert "cli-topic" not in out.split(), out


def test_dump_log(shared, tmp_path):
    topic = "cli-dump"
    itlib.create_topic(shared.bootstrap, topic, 1)
    recs = [itlib.Rec(b"key-%04d" % i, b"payload-%04d" % i, [("h", b"x")], itlib.now_ms(), 0)
            for i in range(1000)]
    itlib.confluent_produce(shared.bootstrap, topic, recs, {"linger.ms": 1,
                                                             "batch.num.messages": 64,
                                                             "compression.type": "none"})
    segs = shared.segments(topic, 0)
    assert segs, "no segment files"
    seg = segs[-1]

    _, out, _ = gregor("dump-log", seg)
    lines = re.findall(r"baseOffset: (\d+) lastOffset: (\d+) count: (\d+).*?isvalid: (\w+)", out)
    assert lines, f"no batch lines in:\n{out[:2000]}"
    expect = int(seg.name.split(".")[0])
    total = 0
    for base, last, count, valid in lines:
        base, last, count = int(base), int(last), int(count)
        assert base == expect and last - base + 1 == count and valid == "true", \
            (base, last, count, valid, expect)
        expect = last + 1
        total += count
    assert total == 1000 and expect == 1000, (total, expect)

    _, out, _ = gregor("dump-log", "--print-data-log", seg)
    for i in (0, 1, 500, 999):
        assert "payload-%04d" % i in out and "key-%04d" % i in out, f"record {i} not printed"

    # A corrupted copy: the damaged batch is reported as invalid.
    bad = tmp_path / seg.name
    data = bytearray(seg.read_bytes())
    data[200] ^= 0xFF   # inside the first batch's CRC-covered bytes
    bad.write_bytes(bytes(data))
    _, out, _ = gregor("dump-log", bad, check=False)
    assert "isvalid: false" in out, out[:2000]


def _last_json(out):
    lines = [l for l in out.splitlines() if l.startswith("{")]
    assert lines, f"no JSON summary line in:\n{out[-2000:]}"
    return json.loads(lines[-1])


def test_perf_produce_consume(shared):
    topic = "cli-perf"
    itlib.create_topic(shared.bootstrap, topic, 3)
    n = 20000
    _, out, _ = gregor("perf", "produce", "--bootstrap-server", shared.bootstrap, "--topic", topic,
                       "--num-records", n, "--record-size", 100, "--acks", "all",
                       "--output", "json", timeout=180)
    summary = _last_json(out)
    assert summary["records"] == n and summary["errors"] == 0, summary
    wm = itlib.watermarks(shared.bootstrap, topic, [0, 1, 2])
    assert sum(hi for lo, hi in wm.values()) == n, wm

    _, out, _ = gregor("perf", "consume", "--bootstrap-server", shared.bootstrap, "--topic", topic,
                       "--num-records", n, "--output", "json", timeout=180)
    summary = _last_json(out)
    assert summary["records"] == n and summary["bytes"] >= n * 100, summary

    # The text reports print too (kafka-*-perf-test style).
    _, out, _ = gregor("perf", "produce", "--bootstrap-server", shared.bootstrap, "--topic", topic,
                       "--num-records", 1000, "--record-size", 10, timeout=180)
    assert "1000 records sent" in out, out[-2000:]


def test_serve_refuses_a_port_another_process_listens_on(shared, tmp_path):
    # Each shard binds with SO_REUSEPORT; a second process must still get "address in use"
    # rather than silently sharing the port (and splitting clients) with the first.
    _, controller = shared.port, shared.controller_port
    rc, out, err = gregor("serve", "--set", "node.id=1", "--set", "process.roles=broker,controller",
                          "--set", f"listeners=PLAINTEXT://127.0.0.1:{shared.port},"
                                   f"CONTROLLER://127.0.0.1:{controller + 1 if controller < 65535 else 1024}",
                          "--set", f"controller.quorum.voters=1@127.0.0.1:{controller + 1 if controller < 65535 else 1024}",
                          "--set", f"log.dirs={tmp_path / 'data'}", timeout=30, check=False)
    assert rc != 0
    assert "in use" in (out + err), out + err


def _serve_args(shared, data_dir, *extra):
    controller = shared.controller_port + 1 if shared.controller_port < 65535 else 1024
    port = shared.port + 2 if shared.port < 65533 else 1025
    return ["serve", "--set", "node.id=1", "--set", "process.roles=broker,controller",
            "--set", f"listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}",
            "--set", f"controller.quorum.voters=1@127.0.0.1:{controller}",
            "--set", f"log.dirs={data_dir}", *extra]


def test_a_second_process_cannot_open_a_running_nodes_log_dir(shared):
    """Issue 12 item 4: a second `gregor serve` on the same log.dirs is refused at once and
    touches nothing (the first node's .lock is held)."""
    quorum_state = shared.data_dir / "__cluster_metadata-0" / "quorum-state"
    before = quorum_state.read_bytes() if quorum_state.exists() else None
    rc, out, err = gregor(*_serve_args(shared, shared.data_dir), timeout=30, check=False)
    assert rc == 1, (rc, out, err)
    assert "in use by another process" in out + err, out + err
    if before is not None:
        assert quorum_state.read_bytes() == before
    shared.assert_alive()


@pytest.mark.parametrize("listener", ["SSL", "SASL_PLAINTEXT", "SASL_SSL"])
def test_serve_refuses_security_protocols_it_cannot_serve(shared, tmp_path, listener):
    """Issue 12 item 12: never serve a SASL/SSL listener in clear text."""
    args = _serve_args(shared, tmp_path / "data")
    i = args.index(next(a for a in args if a.startswith("listeners=")))
    args[i] = args[i].replace("PLAINTEXT://", f"{listener}://", 1)
    rc, out, err = gregor(*args, timeout=30, check=False)
    assert rc != 0
    assert f"uses security protocol {listener}" in out + err, out + err


def test_kafka_keys_warn_and_typos_are_errors_with_a_suggestion(shared, tmp_path):
    """Issue 12 item 20: a Kafka server.properties key Gregor does not apply is a warning (the node
    starts); a key neither knows is an error that suggests the near miss."""
    rc, out, err = gregor(*_serve_args(shared, tmp_path / "data", "--set", "log.retention.hourz=5"),
                          timeout=30, check=False)
    assert rc != 0
    assert "did you mean 'log.retention.hours'" in out + err, out + err
    props = tmp_path / "server.properties"
    props.write_text("zookeeper.connect=localhost:2181\nmetric.reporters=\nssl.keystore.location=/nonexistent\n")
    proc = subprocess.Popen([itlib.GREGOR_BIN, "serve", "--config", str(props),
                             *_serve_args(shared, tmp_path / "data2")[1:]],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        seen = b""
        deadline = time.monotonic() + 30
        while b"serving on" not in seen and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen += line
        text = seen.decode(errors="replace")
        assert "serving on" in text, text
        warning = [l for l in text.splitlines() if "accepted but not applied" in l]
        assert len(warning) == 1, text
        for key in ("zookeeper.connect", "metric.reporters", "ssl.keystore.location"):
            assert key in warning[0], warning
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_argument_errors_print_one_gregor_line_and_exit_1():
    """Issue 12 item 21: CLI11's own exit codes (105-109) are not what the README promises."""
    for args in (["topics", "create"], ["topics", "list", "--no-such-flag"], ["no-such-command"],
                 ["perf", "produce", "--records", "many"]):
        rc, out, err = gregor(*args, timeout=30, check=False)
        assert rc == 1, (args, rc, out, err)
        assert err.startswith("gregor: "), (args, err)
    rc, out, _ = gregor("--help", timeout=30, check=False)
    assert rc == 0 and "serve" in out


def test_command_config_file_and_a_wrong_bootstrap_fail_fast(shared, tmp_path):
    """Issue 12 item 21: --command-config FILE on the client commands; a bootstrap address nothing
    listens on fails in a few seconds with one line."""
    cfg = tmp_path / "client.properties"
    cfg.write_text("# Kafka tools' client config\nclient.id=from-file\nsocket.timeout.ms = 20000\n")
    bs = ["--bootstrap-server", shared.bootstrap, "--command-config", str(cfg)]
    _, out, _ = gregor("topics", "list", *bs)
    bad = tmp_path / "bad.properties"
    bad.write_text("no.such.librdkafka.property=1\n")
    rc, out, err = gregor("topics", "list", "--bootstrap-server", shared.bootstrap, "--command-config", str(bad),
                          check=False)
    assert rc == 1 and "no.such.librdkafka.property" in err, (rc, err)
    ssl = tmp_path / "ssl.properties"
    ssl.write_text("security.protocol=SSL\n")
    rc, _, err = gregor("cluster", "describe", "--bootstrap-server", shared.bootstrap, "--command-config", str(ssl),
                        check=False)
    assert rc == 1 and "security.protocol" in err, err
    t0 = time.monotonic()
    rc, out, err = gregor("topics", "list", "--bootstrap-server", "127.0.0.1:1", check=False)
    took = time.monotonic() - t0
    assert rc == 1, (rc, err)
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1 and "cannot connect to any bootstrap server" in lines[0], err
    print(f"wrong bootstrap failed in {took:.2f} s")
