#include "coordinator/txn/txn_partition.h"

#include <gtest/gtest.h>

#include "coordinator/txn/txn_records.h"
#include "storage/test_util.h"

namespace gregor::txn {
namespace {

using storage::test_util::TempDir;

class TxnPartitionTest : public ::testing::Test {
 protected:
  TempDir dir;
  std::unique_ptr<storage::Log> log = open();
  bool fail_appends = false;
  int64_t now = 1000;

  std::unique_ptr<storage::Log> open() {
    auto l = storage::Log::open(dir.path() / "__transaction_state-0", storage::LogConfig{}, -1, -1, 1000);
    GREGOR_ASSERT(l.ok());
    return std::move(*l);
  }
  std::unique_ptr<TxnPartition> make() {
    return std::make_unique<TxnPartition>(0, TxnConfig{}, [this](ByteView b) -> Result<int64_t> {
      if (fail_appends) return make_error(int16_t(ErrorCode::NOT_LEADER_OR_FOLLOWER), "gone");
      auto r = log->append(b, 0, now);
      if (!r.ok()) return r.error();
      return log->log_end_offset();
    });
  }
  std::unique_ptr<TxnPartition> reload() {
    GREGOR_ASSERT(log->close().ok());
    log = open();
    auto tp = make();
    EXPECT_TRUE(tp->load(*log).ok());
    return tp;
  }
  int64_t hw() const { return log->log_end_offset(); }
};

TEST(TxnRecords, ValueRoundTripsAndEmptyStateHasNullPartitions) {
  TxnMetadata m;
  m.producer_id = 42;
  m.producer_epoch = 3;
  m.timeout_ms = 60000;
  m.state = TxnState::Ongoing;
  m.partitions = {{"a", 0}, {"a", 2}, {"b", 1}};
  m.txn_start_ms = 5;
  m.last_update_ms = 6;
  auto back = decode_txn_value(encode_txn_value(m));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, m);
  m.state = TxnState::Empty;
  m.partitions.clear();
  Bytes empty = encode_txn_value(m);
  // version, pid, epoch, timeout, state, then a null array (-1).
  EXPECT_EQ(load_be32(empty.data() + 2 + 8 + 2 + 4 + 1), 0xFFFFFFFFu);
  EXPECT_EQ(*decode_txn_value(empty), m);
  auto key = decode_txn_key(encode_txn_key("my-id"));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(*key, "my-id");
  EXPECT_FALSE(decode_txn_value(ByteView(empty).subspan(0, 9)).ok());
}

TEST(TxnRecords, PartitionIsJavasHashOfTheId) {
  // "transactional-id".hashCode() in Java is 510590431, and 510590431 % 50 = 31.
  EXPECT_EQ(partition_for_txn("transactional-id", 50), 31);
}

TEST_F(TxnPartitionTest, StateSurvivesAReloadFromTheLog) {
  auto tp = make();
  auto init = tp->init_producer_id("t", 60000, -1, -1, 7, now, hw());
  ASSERT_EQ(init.decision.error, ErrorCode::NONE);
  EXPECT_GT(init.wait_for, 0);
  ASSERT_EQ(tp->add_partitions("t", 7, 0, {{"x", 1}}, now, hw()).decision.error, ErrorCode::NONE);
  auto other = tp->init_producer_id("u", 30000, -1, -1, 8, now, hw());
  ASSERT_EQ(other.decision.error, ErrorCode::NONE);
  ASSERT_EQ(tp->end_txn("t", 7, 0, true, now, hw()).decision.error, ErrorCode::NONE);

  auto back = reload();
  const auto* t = back->manager().find("t");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->state, TxnState::PrepareCommit);
  EXPECT_EQ(t->partitions, (std::set<TopicPartition>{{"x", 1}}));
  EXPECT_EQ(back->manager().find("u")->timeout_ms, 30000);
  // The reloaded coordinator finishes the transaction's markers.
  auto jobs = back->ready_markers(hw());
  ASSERT_EQ(jobs.size(), 1u);
  back->markers_done(jobs[0], now);
  EXPECT_EQ(back->manager().find("t")->state, TxnState::CompleteCommit);
  EXPECT_EQ(reload()->manager().find("t")->state, TxnState::CompleteCommit);
}

TEST_F(TxnPartitionTest, FailedAppendChangesNothingAndAnswersNotCoordinator) {
  auto tp = make();
  ASSERT_EQ(tp->init_producer_id("t", 60000, -1, -1, 7, now, hw()).decision.error, ErrorCode::NONE);
  fail_appends = true;
  auto a = tp->add_partitions("t", 7, 0, {{"x", 1}}, now, hw());
  EXPECT_EQ(a.decision.error, ErrorCode::NOT_COORDINATOR);
  EXPECT_EQ(a.wait_for, -1);
  EXPECT_EQ(tp->manager().find("t")->state, TxnState::Empty);
}

TEST_F(TxnPartitionTest, ExpiredIdIsATombstoneAfterReload) {
  auto tp = make();
  ASSERT_EQ(tp->init_producer_id("t", 60000, -1, -1, 7, now, hw()).decision.error, ErrorCode::NONE);
  now += 604800000;
  EXPECT_EQ(tp->tick(now, hw()), 1u);
  EXPECT_FALSE(tp->manager().find("t"));
  EXPECT_FALSE(reload()->manager().find("t"));
}

}  // namespace
}  // namespace gregor::txn
