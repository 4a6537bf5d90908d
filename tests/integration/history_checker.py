"""Produced-versus-consumed checker for the cluster fault tests.

Every produced value is unique. The history holds each send's invoke, its outcome (ok with the
offset the broker acknowledged, fail when it definitely failed, info when the outcome is not
known) and every poll a consumer made. check() compares them with the final drain (everything
read back at the end, from the log start) and counts, per type:

- lost: an acknowledged send that the final drain does not hold (unseen at the end counts too)
- duplicated: a value stored at two offsets (allowed only for retried or indeterminate sends
  without idempotence; the caller decides, see Report.failures)
- inconsistent_offsets: one offset that two reads or an ack give two different values
- reordered: within a partition the final log is not in the order of the acknowledged offsets,
  or an acknowledged offset maps to another value than the drain holds at that offset
- aborted_reads (G1a): a polled value whose send definitely failed
- truncated_reads: a polled value the final drain does not hold (a read of since-truncated data)
- nonmonotonic_poll / poll_skip: one consumer's reads of a partition go back, or jump over a
  record, between two assignments
- realtime: send B was invoked after send A was acknowledged on the same partition, yet B's
  offset is lower
"""
from collections import defaultdict
from dataclasses import dataclass, field
import time


@dataclass
class Send:
    value: str
    partition: int
    invoked: float
    outcome: str = "pending"  # ok | fail | info | pending
    offset: int = -1  # -1 with outcome ok: acknowledged, offset not reported (see History.ok)
    completed: float = 0.0
    retried: bool = False


@dataclass
class Report:
    acked: int = 0
    acked_without_offset: int = 0  # acknowledged sends whose offset the client did not report
    read: int = 0
    lost: int = 0
    duplicated: int = 0
    inconsistent_offsets: int = 0
    reordered: int = 0
    aborted_reads: int = 0
    truncated_reads: int = 0
    nonmonotonic_poll: int = 0
    poll_skip: int = 0
    realtime: int = 0
    examples: dict = field(default_factory=lambda: defaultdict(list))

    def note(self, kind, what):
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.examples[kind]) < 5:
            self.examples[kind].append(what)

    def failures(self, duplicates_allowed):
        """The counts that fail the test: every type except duplicates when they are allowed."""
        kinds = ["lost", "inconsistent_offsets", "reordered", "aborted_reads", "truncated_reads",
                 "nonmonotonic_poll", "poll_skip", "realtime"]
        if not duplicates_allowed:
            kinds.append("duplicated")
        return {k: getattr(self, k) for k in kinds if getattr(self, k)}

    def summary(self):
        return (f"acked={self.acked} (without offset {self.acked_without_offset}) read={self.read} "
                f"lost={self.lost} duplicated={self.duplicated} "
                f"inconsistent={self.inconsistent_offsets} reordered={self.reordered} "
                f"g1a={self.aborted_reads} truncated_reads={self.truncated_reads} "
                f"nonmonotonic_poll={self.nonmonotonic_poll} poll_skip={self.poll_skip} "
                f"realtime={self.realtime}")


class History:
    """Thread-compatible when each writer calls from one thread at a time (callers lock)."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.sends = {}
        self.polls = []  # (consumer, partition, [(offset, value)], assignment generation)

    def invoke(self, value, partition):
        assert value not in self.sends, f"value {value} sent twice"
        self.sends[value] = Send(value, partition, self.clock())

    def ok(self, value, offset):
        """offset None or negative: the client reported the send persisted without its offset
        (librdkafka's idempotent producer does so when the answer to this send was lost but a
        later send on the same partition was acknowledged, which implies this one is stored);
        it is checked for presence only."""
        s = self.sends[value]
        s.outcome, s.offset, s.completed = "ok", -1 if offset is None or offset < 0 else offset, self.clock()

    def fail(self, value):
        s = self.sends[value]
        s.outcome, s.completed = "fail", self.clock()

    def info(self, value):
        s = self.sends[value]
        s.outcome, s.completed = "info", self.clock()

    def retried(self, value):
        self.sends[value].retried = True

    def poll(self, consumer, partition, records, generation=0):
        self.polls.append((consumer, partition, list(records), generation))


def check(history, drain):
    """drain: {partition: [(offset, value)]} read from the log start after healing."""
    r = Report()
    sends = history.sends
    final_at = {}  # (partition, offset) -> value
    final_offsets = defaultdict(list)  # value -> [(partition, offset)]
    for p, recs in drain.items():
        last = -1
        for off, val in recs:
            if off <= last:
                r.note("reordered", f"p{p}: drain offset {off} after {last}")
            last = off
            final_at[(p, off)] = val
            final_offsets[val].append((p, off))
    r.read = sum(len(v) for v in drain.values())

    # Version order: one value per offset, one offset per value.
    seen_at = dict(final_at)
    for consumer, p, recs, _ in history.polls:
        for off, val in recs:
            prev = seen_at.setdefault((p, off), val)
            if prev != val:
                r.note("inconsistent_offsets", f"p{p}@{off}: {prev!r} vs {val!r} (poll by {consumer})")
            if (p, off) not in final_at and val not in final_offsets:
                r.note("truncated_reads", f"p{p}@{off}: {val!r} read by {consumer}, not in the final log")
            s = sends.get(val)
            if s is not None and s.outcome == "fail":
                r.note("aborted_reads", f"{val!r} read by {consumer} but its send failed")
    for val, places in final_offsets.items():
        if len(places) > 1:
            r.note("duplicated", f"{val!r} at {places}")

    # Acknowledged sends: present, at the acknowledged offset.
    for s in sends.values():
        if s.outcome != "ok":
            continue
        r.acked += 1
        at = final_at.get((s.partition, s.offset))
        if s.value not in final_offsets:
            r.note("lost", f"{s.value!r} acked at p{s.partition}@{s.offset}, not in the final log")
        elif s.offset < 0:
            r.acked_without_offset += 1
        elif at is not None and at != s.value:
            r.note("inconsistent_offsets", f"p{s.partition}@{s.offset}: acked {s.value!r}, log holds {at!r}")
        elif at is None:
            r.note("reordered", f"{s.value!r} acked at p{s.partition}@{s.offset} but stored at "
                                f"{final_offsets[s.value]}")

    # Polls: per consumer, partition and assignment generation, dense indexes must rise by one.
    index = {}
    for p, recs in drain.items():
        for i, (off, _) in enumerate(recs):
            index[(p, off)] = i
    last_index = {}
    for consumer, p, recs, gen in history.polls:
        key = (consumer, p, gen)
        for off, _ in recs:
            i = index.get((p, off))
            if i is None:
                continue
            prev = last_index.get(key)
            if prev is not None:
                if i <= prev:
                    r.note("nonmonotonic_poll", f"{consumer} p{p}: index {i} after {prev}")
                elif i > prev + 1:
                    r.note("poll_skip", f"{consumer} p{p}: index {i} after {prev}")
            last_index[key] = i

    # Real-time order per partition: acked A completed before B was invoked => offset(A) < offset(B).
    by_part = defaultdict(list)
    for s in sends.values():
        if s.outcome == "ok":
            by_part[s.partition].append(s)
    for p, acked in by_part.items():
        acked = [s for s in acked if s.offset >= 0]
        acked.sort(key=lambda s: s.completed)
        invoked = sorted(acked, key=lambda s: s.invoked)
        # For each B (by invoke time) the max offset over all A completed before B was invoked.
        j, max_off, max_val = 0, -1, None
        for b in invoked:
            while j < len(acked) and acked[j].completed < b.invoked:
                if acked[j].offset > max_off:
                    max_off, max_val = acked[j].offset, acked[j].value
                j += 1
            if max_off >= 0 and b.offset <= max_off and b.value != max_val:
                r.note("realtime", f"p{p}: {b.value!r}@{b.offset} invoked after {max_val!r}@{max_off} was acked")
    return r

