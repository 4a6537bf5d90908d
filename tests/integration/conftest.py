"""Fixtures for the integration suite: real `gregor` processes on loopback ports.

`broker_factory(settings={...}, start=True)` makes brokers that live for one test;
`module_broker_factory` the same for a whole module. A Broker keeps its ports and data dir
across stop()/kill()/start(), so crash and restart tests reuse the same log.dirs.
Every broker a test (or its module) started is killed at teardown, and the tail of each
broker's stderr log is attached to the report of any failed test.
"""
import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import itlib  # noqa: E402
import kwire  # noqa: E402
from itlib import GREGOR_BIN  # noqa: E402
START_TIMEOUT = 20.0
STOP_TIMEOUT = 30.0

_ACTIVE = []  # brokers created and not yet destroyed (for failure reports and atexit)


def free_ports(n):
    """n distinct free TCP ports on 127.0.0.1 (bind port 0, read it back, release)."""
    socks, ports = [], []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


class BrokerError(AssertionError):
    pass


class Broker:
    def __init__(self, workdir, settings=None):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.data_dir = self.workdir / "data"
        self.log_path = self.workdir / "gregor.log"
        self.port, self.controller_port = free_ports(2)
        self.settings = dict(settings or {})
        self.proc = None
        self.expected_running = False  # started and not stopped/killed on purpose since
        self.starts = 0
        self.run_log_offset = 0  # where the current run's output starts in log_path
        self._log = None
        _ACTIVE.append(self)

    # --- addresses and command ---
    @property
    def host(self):
        return "127.0.0.1"

    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.port}"

    def command(self):
        cmd = [GREGOR_BIN, "serve",
               "--set", "node.id=1",
               "--set", "process.roles=broker,controller",
               "--set", f"listeners=PLAINTEXT://127.0.0.1:{self.port},"
                        f"CONTROLLER://127.0.0.1:{self.controller_port}",
               "--set", f"controller.quorum.voters=1@127.0.0.1:{self.controller_port}",
               "--set", f"log.dirs={self.data_dir}"]
        for k, v in self.settings.items():
            cmd += ["--set", f"{k}={v}"]
        return cmd

    # --- lifecycle ---
    def start(self, timeout=START_TIMEOUT):
        if self.running():
            raise BrokerError("start() while the broker is running")
        if not os.access(GREGOR_BIN, os.X_OK):
            pytest.fail(f"gregor binary not found or not executable: {GREGOR_BIN} "
                        f"(build it with `make build`, or set GREGOR_BIN)", pytrace=False)
        self.starts += 1
        if self._log is None:
            self._log = open(self.log_path, "ab", buffering=0)
        cmd = self.command()
        self._log.write(f"\n===== harness: start #{self.starts}: {' '.join(cmd)}\n".encode())
        self.run_log_offset = self.log_path.stat().st_size
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=self._log, cwd=str(self.workdir))
        self.expected_running = True
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=START_TIMEOUT):
        """Waits until the client port accepts and a Metadata request lists this broker."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BrokerError(f"gregor exited with code {self.proc.returncode} during "
                                  f"startup\n--- log tail ---\n{self.tail()}")
            try:
                with kwire.Conn(self.host, self.port, timeout=2.0) as c:
                    md = kwire.metadata_v1(c, topics=[], timeout=2.0)
                    if any(b[0] == 1 for b in md["brokers"]):
                        return
                    last = f"metadata lists no broker 1: {md['brokers']}"
            except (OSError, kwire.Closed, TimeoutError, ValueError, AssertionError) as e:
                last = repr(e)
            time.sleep(0.05)
        raise BrokerError(f"gregor not ready within {timeout}s on {self.bootstrap} "
                          f"(last: {last})\n--- log tail ---\n{self.tail()}")

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM and wait (clean shutdown). Returns the exit code. If it does not exit in
        time it is killed and BrokerError is raised."""
        self.expected_running = False
        if not self.running():
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
            raise BrokerError(f"gregor did not exit within {timeout}s of SIGTERM\n"
                              f"--- log tail ---\n{self.tail()}")

    def kill(self):
        """kill -9 (crash)."""
        self.expected_running = False
        if self.running():
            self.proc.kill()
            self.proc.wait(10)

    def restart(self, timeout=START_TIMEOUT):
        self.stop()
        return self.start(timeout)

    def destroy(self, remove_data=False):
        try:
            self.kill()
        finally:
            if self._log is not None:
                self._log.close()
                self._log = None
            if self in _ACTIVE:
                _ACTIVE.remove(self)
            if remove_data:
                shutil.rmtree(self.data_dir, ignore_errors=True)

    # --- inspection ---
    def log_text(self, current_run_only=False):
        try:
            data = self.log_path.read_bytes()
        except FileNotFoundError:
            return ""
        if current_run_only:
            data = data[self.run_log_offset:]
        return data.decode(errors="replace")

    def tail(self, n=60):
        lines = self.log_text().splitlines()
        return "\n".join(lines[-n:])

    def crashed(self):
        """True if the process exited although nobody stopped or killed it."""
        return self.expected_running and self.proc is not None and self.proc.poll() is not None

    def exit_description(self):
        rc = self.proc.returncode if self.proc else None
        if rc is not None and rc < 0:
            try:
                return f"killed by {signal.Signals(-rc).name}"
            except ValueError:
                return f"killed by signal {-rc}"
        return f"exit code {rc}"

    def assert_alive(self):
        if not self.running():
            raise BrokerError(f"gregor is not running ({self.exit_description()})\n"
                              f"--- log tail ---\n{self.tail()}")

    def partition_dir(self, topic, partition):
        return self.data_dir / f"{topic}-{partition}"

    def segments(self, topic, partition):
        d = self.partition_dir(topic, partition)
        if not d.is_dir():
            raise BrokerError(f"no partition directory {d}; data dir holds "
                              f"{sorted(p.name for p in self.data_dir.iterdir())}")
        return sorted(d.glob("*.log"))


def _kill_all_at_exit():
    for b in list(_ACTIVE):
        try:
            b.kill()
        except Exception:
            pass


atexit.register(_kill_all_at_exit)


def _no_broker_died():
    for b in list(_ACTIVE):
        if b.crashed():
            raise BrokerError(f"gregor died unexpectedly ({b.exit_description()}); "
                              f"log: {b.log_path}\n--- log tail ---\n{b.tail(40)}")


itlib.LIVENESS_CHECKS.append(_no_broker_died)


@pytest.fixture(autouse=True)
def _gregor_health():
    """Before each test, start again (same data dir) any broker that an earlier test crashed,
    so one crash does not fail every later test of a module; after it, fail the test during
    which a broker died unexpectedly."""
    for b in list(_ACTIVE):
        if b.crashed():
            b.start()
    yield
    dead = [b for b in _ACTIVE if b.crashed()]
    if dead:
        pytest.fail("gregor died during this test: " + "; ".join(
            f"{b.workdir.name} {b.exit_description()}" for b in dead), pytrace=False)


class _Factory:
    def __init__(self, base_dir):
        self.base_dir = Path(base_dir)
        self.brokers = []

    def __call__(self, settings=None, start=True, name=None):
        name = name or f"broker{len(self.brokers)}"
        b = Broker(self.base_dir / name, settings)
        self.brokers.append(b)
        if start:
            b.start()
        return b

    def teardown(self, remove_data):
        dead = [f"{b.workdir.name} {b.exit_description()}" for b in self.brokers if b.crashed()]
        for b in self.brokers:
            b.destroy(remove_data=remove_data and not dead)
        if dead:
            pytest.fail("gregor died during this test: " + "; ".join(dead), pytrace=False)


@pytest.fixture
def broker_factory(tmp_path, request):
    f = _Factory(tmp_path)
    yield f
    f.teardown(remove_data=request.session.testsfailed == 0)


@pytest.fixture(scope="module")
def module_broker_factory(tmp_path_factory, request):
    f = _Factory(tmp_path_factory.mktemp(request.module.__name__))
    yield f
    f.teardown(remove_data=request.session.testsfailed == 0)


@pytest.fixture
def broker(broker_factory):
    """A fresh single-node broker with default settings, for one test."""
    return broker_factory()


# --- reporting -------------------------------------------------------------------------------
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        for b in list(_ACTIVE):
            rep.sections.append((f"gregor log tail: {b.log_path}", b.tail(80)))


