#include "coordinator/txn/txn_manager.h"

#include <gtest/gtest.h>

namespace gregor::txn {
namespace {

// A manager whose writes are installed at once and committed (as if replicated instantly).
struct Fixture {
  TxnManager m{TxnConfig{}};
  int64_t offset = 0;
  int64_t now = 1000;

  Decision apply(Decision d) {
    if (d.write) m.install(*d.write, ++offset);
    return d;
  }
  Decision init(const std::string& id, int64_t expected_id = -1, int16_t expected_epoch = -1, int32_t timeout = 60000) {
    auto d = m.init_producer_id(id, timeout, expected_id, expected_epoch, std::nullopt, now, offset);
    if (d.needs_producer_id) d = m.init_producer_id(id, timeout, expected_id, expected_epoch, next_pid++, now, offset);
    return apply(d);
  }
  Decision add(const std::string& id, int64_t pid, int16_t epoch, std::vector<TopicPartition> tps) {
    return apply(m.add_partitions(id, pid, epoch, tps, now, offset));
  }
  Decision end(const std::string& id, int64_t pid, int16_t epoch, bool commit) {
    return apply(m.end_txn(id, pid, epoch, commit, now, offset));
  }
  void finish_markers() {
    for (const auto& job : m.ready_markers(offset))
      if (auto w = m.markers_done(job, now)) m.install(*w, ++offset);
  }
  TxnState state(const std::string& id) const { return m.find(id)->state; }
  int64_t next_pid = 100;
};

TEST(TxnManager, NewIdGetsAFreshProducerIdAndEachInitBumpsTheEpoch) {
  Fixture f;
  auto d = f.m.init_producer_id("t", 60000, -1, -1, std::nullopt, f.now, 0);
  EXPECT_TRUE(d.needs_producer_id);
  auto a = f.init("t");
  EXPECT_EQ(a.error, ErrorCode::NONE);
  EXPECT_EQ(a.producer_id, 100);
  EXPECT_EQ(a.producer_epoch, 0);
  auto b = f.init("t");
  EXPECT_EQ(b.producer_id, 100);
  EXPECT_EQ(b.producer_epoch, 1);
  EXPECT_EQ(f.state("t"), TxnState::Empty);
}

TEST(TxnManager, TimeoutAboveTheMaximumIsRefused) {
  Fixture f;
  EXPECT_EQ(f.init("t", -1, -1, 900001).error, ErrorCode::INVALID_TRANSACTION_TIMEOUT);
  EXPECT_EQ(f.init("t", -1, -1, 0).error, ErrorCode::INVALID_TRANSACTION_TIMEOUT);
}

TEST(TxnManager, CommitGoesThroughPrepareAndMarkersToComplete) {
  Fixture f;
  auto p = f.init("t");
  TopicPartition a{"a", 0}, b{"b", 1};
  EXPECT_EQ(f.add("t", p.producer_id, p.producer_epoch, {a}).error, ErrorCode::NONE);
  EXPECT_EQ(f.state("t"), TxnState::Ongoing);
  const int64_t before = f.offset;
  EXPECT_EQ(f.add("t", p.producer_id, p.producer_epoch, {a}).error, ErrorCode::NONE);
  EXPECT_EQ(f.offset, before);  // nothing new: no write
  EXPECT_EQ(f.add("t", p.producer_id, p.producer_epoch, {b}).error, ErrorCode::NONE);
  EXPECT_EQ(f.m.find("t")->partitions.size(), 2u);
  EXPECT_EQ(f.end("t", p.producer_id, p.producer_epoch, true).error, ErrorCode::NONE);
  EXPECT_EQ(f.state("t"), TxnState::PrepareCommit);
  // Until the markers are written, the producer's next requests wait.
  EXPECT_EQ(f.add("t", p.producer_id, p.producer_epoch, {a}).error, ErrorCode::CONCURRENT_TRANSACTIONS);
  EXPECT_EQ(f.end("t", p.producer_id, p.producer_epoch, true).error, ErrorCode::CONCURRENT_TRANSACTIONS);
  EXPECT_EQ(f.end("t", p.producer_id, p.producer_epoch, false).error, ErrorCode::INVALID_TXN_STATE);
  auto jobs = f.m.ready_markers(f.offset);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_TRUE(jobs[0].commit);
  EXPECT_EQ(jobs[0].partitions, (std::vector<TopicPartition>{a, b}));
  EXPECT_TRUE(f.m.ready_markers(f.offset).empty());  // in flight
  auto w = f.m.markers_done(jobs[0], f.now);
  ASSERT_TRUE(w);
  f.m.install(*w, ++f.offset);
  EXPECT_EQ(f.state("t"), TxnState::CompleteCommit);
  EXPECT_TRUE(f.m.find("t")->partitions.empty());
  // A retried commit is fine; an abort of the committed transaction is not.
  EXPECT_EQ(f.end("t", p.producer_id, p.producer_epoch, true).error, ErrorCode::NONE);
  EXPECT_EQ(f.end("t", p.producer_id, p.producer_epoch, false).error, ErrorCode::INVALID_TXN_STATE);
  // The next transaction starts afresh.
  EXPECT_EQ(f.add("t", p.producer_id, p.producer_epoch, {b}).error, ErrorCode::NONE);
  EXPECT_EQ(f.m.find("t")->partitions, (std::set<TopicPartition>{b}));
}

TEST(TxnManager, UncommittedWriteMakesTheIdPending) {
  Fixture f;
  auto p = f.init("t");
  auto d = f.m.add_partitions("t", p.producer_id, p.producer_epoch, {{"a", 0}}, f.now, f.offset);
  ASSERT_TRUE(d.write);
  f.m.install(*d.write, f.offset + 5);  // not yet below the high watermark
  EXPECT_EQ(f.m.end_txn("t", p.producer_id, p.producer_epoch, true, f.now, f.offset).error,
            ErrorCode::CONCURRENT_TRANSACTIONS);
  EXPECT_EQ(f.m.end_txn("t", p.producer_id, p.producer_epoch, true, f.now, f.offset + 5).error, ErrorCode::NONE);
}

TEST(TxnManager, WrongProducerIdOrEpochIsRefused) {
  Fixture f;
  auto p = f.init("t");
  EXPECT_EQ(f.add("nope", p.producer_id, 0, {{"a", 0}}).error, ErrorCode::INVALID_PRODUCER_ID_MAPPING);
  EXPECT_EQ(f.add("t", p.producer_id + 1, 0, {{"a", 0}}).error, ErrorCode::INVALID_PRODUCER_ID_MAPPING);
  EXPECT_EQ(f.add("t", p.producer_id, 5, {{"a", 0}}).error, ErrorCode::PRODUCER_FENCED);
  EXPECT_EQ(f.end("t", p.producer_id, 5, true).error, ErrorCode::PRODUCER_FENCED);
  EXPECT_EQ(f.end("t", p.producer_id, p.producer_epoch, true).error, ErrorCode::INVALID_TXN_STATE);  // Empty
}

TEST(TxnManager, NewInstanceFencesTheZombieAndAbortsItsTransaction) {
  Fixture f;
  auto zombie = f.init("t");
  ASSERT_EQ(f.add("t", zombie.producer_id, zombie.producer_epoch, {{"a", 0}}).error, ErrorCode::NONE);
  // The new instance's InitProducerId aborts the open transaction with a bumped epoch.
  auto first = f.init("t");
  EXPECT_EQ(first.error, ErrorCode::CONCURRENT_TRANSACTIONS);
  EXPECT_EQ(f.state("t"), TxnState::PrepareAbort);
  EXPECT_EQ(f.m.find("t")->producer_epoch, zombie.producer_epoch + 1);
  EXPECT_EQ(f.init("t").error, ErrorCode::CONCURRENT_TRANSACTIONS);  // markers not written yet
  auto jobs = f.m.ready_markers(f.offset);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_FALSE(jobs[0].commit);
  EXPECT_EQ(jobs[0].producer_epoch, zombie.producer_epoch + 1);
  f.m.install(*f.m.markers_done(jobs[0], f.now), ++f.offset);
  auto fresh = f.init("t");
  EXPECT_EQ(fresh.error, ErrorCode::NONE);
  EXPECT_EQ(fresh.producer_epoch, zombie.producer_epoch + 2);
  // The zombie is fenced.
  EXPECT_EQ(f.add("t", zombie.producer_id, zombie.producer_epoch, {{"a", 0}}).error, ErrorCode::PRODUCER_FENCED);
  EXPECT_EQ(f.end("t", zombie.producer_id, zombie.producer_epoch, true).error, ErrorCode::PRODUCER_FENCED);
}

TEST(TxnManager, Kip360ReinitWithTheCurrentEpochBumpsAndAStaleOneIsFenced) {
  Fixture f;
  auto p = f.init("t");
  auto again = f.init("t", p.producer_id, p.producer_epoch);
  EXPECT_EQ(again.error, ErrorCode::NONE);
  EXPECT_EQ(again.producer_epoch, p.producer_epoch + 1);
  // The same request retried (its answer lost): the epoch it already got.
  auto retry = f.init("t", p.producer_id, p.producer_epoch);
  EXPECT_EQ(retry.error, ErrorCode::NONE);
  EXPECT_EQ(retry.producer_epoch, p.producer_epoch + 1);
  EXPECT_EQ(f.init("t", p.producer_id + 7, 0).error, ErrorCode::PRODUCER_FENCED);
}

TEST(TxnManager, ExhaustedEpochRotatesTheProducerId) {
  Fixture f;
  auto p = f.init("t");
  TxnMetadata m = *f.m.find("t");
  m.producer_epoch = INT16_MAX - 1;
  f.m.install(TxnWrite{"t", m}, ++f.offset);
  auto rotated = f.init("t");
  EXPECT_EQ(rotated.error, ErrorCode::NONE);
  EXPECT_NE(rotated.producer_id, p.producer_id);
  EXPECT_EQ(rotated.producer_epoch, 0);
}

TEST(TxnManager, TimedOutTransactionIsFencedAndAborted) {
  Fixture f;
  auto p = f.init("t", -1, -1, 5000);
  ASSERT_EQ(f.add("t", p.producer_id, p.producer_epoch, {{"a", 0}}).error, ErrorCode::NONE);
  EXPECT_TRUE(f.m.abort_timed_out(f.now + 5000, f.offset).empty());
  auto writes = f.m.abort_timed_out(f.now + 5001, f.offset);
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].value->state, TxnState::PrepareAbort);
  EXPECT_EQ(writes[0].value->producer_epoch, p.producer_epoch + 1);
  f.m.install(writes[0], ++f.offset);
  f.finish_markers();
  EXPECT_EQ(f.state("t"), TxnState::CompleteAbort);
  EXPECT_EQ(f.end("t", p.producer_id, p.producer_epoch, true).error, ErrorCode::PRODUCER_FENCED);
}

TEST(TxnManager, IdleIdsExpireOnlyWithoutATransaction) {
  Fixture f;
  auto p = f.init("idle");
  auto q = f.init("busy");
  ASSERT_EQ(f.add("busy", q.producer_id, q.producer_epoch, {{"a", 0}}).error, ErrorCode::NONE);
  const int64_t later = f.now + 604800000;
  auto writes = f.m.expire_ids(later, f.offset);
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].transactional_id, "idle");
  EXPECT_FALSE(writes[0].value);
  f.m.install(writes[0], ++f.offset);
  EXPECT_FALSE(f.m.find("idle"));
  (void)p;
}

TEST(TxnManager, FailedMarkersAreHandedOutAgain) {
  Fixture f;
  auto p = f.init("t");
  ASSERT_EQ(f.add("t", p.producer_id, p.producer_epoch, {{"a", 0}}).error, ErrorCode::NONE);
  ASSERT_EQ(f.end("t", p.producer_id, p.producer_epoch, false).error, ErrorCode::NONE);
  auto jobs = f.m.ready_markers(f.offset);
  ASSERT_EQ(jobs.size(), 1u);
  f.m.markers_failed(jobs[0]);
  EXPECT_EQ(f.m.ready_markers(f.offset).size(), 1u);
}

}  // namespace
}  // namespace gregor::txn
