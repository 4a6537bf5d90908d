"""The produced-versus-consumed checker finds each kind of anomaly it claims to (no broker)."""
from history_checker import History, check


class Tick:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        self.t += 1.0
        return self.t


def acked(h, value, partition, offset):
    h.invoke(value, partition)
    h.ok(value, offset)


def test_clean_history_has_no_anomalies():
    h = History(Tick())
    for i in range(5):
        acked(h, f"w-{i}", 0, i)
    h.poll("c1", 0, [(0, "w-0"), (1, "w-1")])
    h.poll("c1", 0, [(2, "w-2"), (3, "w-3"), (4, "w-4")])
    r = check(h, {0: [(i, f"w-{i}") for i in range(5)]})
    assert r.failures(duplicates_allowed=False) == {}
    assert r.acked == 5 and r.read == 5


def test_acked_record_missing_from_the_drain_is_lost():
    h = History(Tick())
    for i in range(3):
        acked(h, f"w-{i}", 0, i)
    r = check(h, {0: [(0, "w-0"), (1, "w-1")]})
    assert r.lost == 1 and "w-2" in r.examples["lost"][0]


def test_ack_without_an_offset_is_checked_for_presence_only():
    h = History(Tick())
    acked(h, "w-0", 0, 0)
    acked(h, "w-1", 0, None)
    acked(h, "w-2", 0, -1001)
    r = check(h, {0: [(0, "w-0"), (1, "w-1")]})
    assert r.acked == 3 and r.acked_without_offset == 1
    assert r.failures(duplicates_allowed=False) == {"lost": 1} and "w-2" in r.examples["lost"][0]


def test_value_at_two_offsets_is_a_duplicate_allowed_only_when_asked():
    h = History(Tick())
    acked(h, "w-0", 0, 0)
    h.invoke("w-1", 0)
    h.info("w-1")
    r = check(h, {0: [(0, "w-0"), (1, "w-1"), (2, "w-1")]})
    assert r.duplicated == 1
    assert r.failures(duplicates_allowed=True) == {}
    assert r.failures(duplicates_allowed=False) == {"duplicated": 1}


def test_ack_at_an_offset_holding_another_value_is_inconsistent():
    h = History(Tick())
    acked(h, "w-0", 0, 0)
    acked(h, "w-1", 0, 1)
    r = check(h, {0: [(0, "w-0"), (1, "other"), (2, "w-1")]})
    assert r.inconsistent_offsets == 1


def test_read_of_a_failed_send_is_an_aborted_read_and_of_truncated_data_too():
    h = History(Tick())
    h.invoke("w-0", 0)
    h.fail("w-0")
    h.poll("c1", 0, [(0, "w-0")])
    r = check(h, {0: []})
    assert r.aborted_reads == 1 and r.truncated_reads == 1


def test_consumer_going_back_or_skipping_is_reported():
    h = History(Tick())
    for i in range(4):
        acked(h, f"w-{i}", 0, i)
    h.poll("c1", 0, [(0, "w-0"), (2, "w-2")])
    h.poll("c1", 0, [(1, "w-1")])
    r = check(h, {0: [(i, f"w-{i}") for i in range(4)]})
    assert r.poll_skip == 1 and r.nonmonotonic_poll == 1


def test_send_invoked_after_an_ack_landing_below_it_breaks_real_time_order():
    h = History(Tick())
    acked(h, "a", 0, 5)      # invoked t1, acked t2
    acked(h, "b", 0, 3)      # invoked t3 > t2, but a lower offset
    r = check(h, {0: [(3, "b"), (5, "a")]})
    assert r.realtime == 1
