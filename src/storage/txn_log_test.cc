// The Log's idempotence and transaction behaviour: duplicates, sequence errors, markers, the
// transaction index, the first unstable offset, and their survival across restarts, crashes
// and truncation.
#include <gtest/gtest.h>

#include "model/batch_builder.h"
#include "model/control_record.h"
#include "model/error_code.h"
#include "storage/log.h"
#include "storage/partition_dir.h"
#include "storage/producer_snapshot.h"
#include "storage/test_util.h"

namespace gregor::storage {
namespace {

using namespace test_util;
using model::ErrorCode;

Bytes producer_batch(int64_t pid, int16_t epoch, int32_t seq, int n, bool transactional = false) {
  model::BatchBuilder b;
  b.producer(pid, epoch, seq).transactional(transactional);
  for (int i = 0; i < n; ++i) b.add(std::string_view("k"), std::string_view("v" + std::to_string(seq + i)), 1000 + i);
  return *b.build();
}

std::unique_ptr<Log> open_log(const std::filesystem::path& dir, LogConfig cfg = {}) {
  auto log = Log::open(dir, cfg, -1, -1, 1000);
  GREGOR_ASSERT(log.ok());
  return std::move(*log);
}

Status abort_txn(Log& log, int64_t pid, int16_t epoch) {
  auto r = log.append_marker(pid, epoch, model::EndTxnMarker{false, 0}, 0, 2000);
  return r.ok() ? Status::OK() : Status(r.error());
}
Status commit_txn(Log& log, int64_t pid, int16_t epoch) {
  auto r = log.append_marker(pid, epoch, model::EndTxnMarker{true, 0}, 0, 2000);
  return r.ok() ? Status::OK() : Status(r.error());
}

TEST(TxnLog, RetriedBatchIsNotWrittenAgainAndGetsItsOriginalOffset) {
  TempDir d;
  auto log = open_log(d.path() / "t-0");
  ASSERT_TRUE(log->append(batch(2, 100), 0, 1000).ok());
  auto first = log->append(producer_batch(7, 0, 0, 3), 0, 1000);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->first_offset, 2);
  EXPECT_FALSE(first->duplicate);
  auto again = log->append(producer_batch(7, 0, 0, 3), 0, 1000);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->first_offset, 2);
  EXPECT_EQ(again->last_offset, 4);
  EXPECT_EQ(log->log_end_offset(), 5);
}

TEST(TxnLog, SequenceGapIsRefusedAndWritesNothing) {
  TempDir d;
  auto log = open_log(d.path() / "t-0");
  ASSERT_TRUE(log->append(producer_batch(7, 0, 0, 3), 0, 1000).ok());
  auto gap = log->append(producer_batch(7, 0, 4, 1), 0, 1000);
  ASSERT_FALSE(gap.ok());
  EXPECT_EQ(gap.error().code, int16_t(ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER));
  EXPECT_EQ(log->log_end_offset(), 3);
  auto stale = log->append(producer_batch(7, -1 + 0, 3, 1), 0, 1000);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, int16_t(ErrorCode::INVALID_PRODUCER_EPOCH));
  EXPECT_TRUE(log->append(producer_batch(7, 0, 3, 1), 0, 1000).ok());
}

TEST(TxnLog, AbortedTransactionIsIndexedAndTheUnstableOffsetFollowsTheMarkers) {
  TempDir d;
  auto dir = d.path() / "t-0";
  auto log = open_log(dir);
  ASSERT_TRUE(log->append(producer_batch(1, 0, 0, 3, true), 0, 1000).ok());  // 0-2
  ASSERT_TRUE(log->append(batch(1, 100), 0, 1000).ok());                      // 3
  ASSERT_TRUE(log->append(producer_batch(2, 0, 0, 1, true), 0, 1000).ok());   // 4
  EXPECT_EQ(log->first_unstable_offset(), 0);
  ASSERT_TRUE(abort_txn(*log, 1, 0).ok());                                    // 5
  log->on_high_watermark(5);
  EXPECT_EQ(log->first_unstable_offset(), 0);  // the marker is not committed yet
  log->on_high_watermark(6);
  EXPECT_EQ(log->first_unstable_offset(), 4);
  ASSERT_TRUE(commit_txn(*log, 2, 0).ok());                                   // 6
  log->on_high_watermark(7);
  EXPECT_EQ(log->first_unstable_offset(), std::nullopt);

  auto aborted = log->aborted_transactions(0, 100);
  ASSERT_EQ(aborted.size(), 1u);
  EXPECT_EQ(aborted[0], (AbortedTxn{1, 0, 5, 4}));
  EXPECT_TRUE(log->aborted_transactions(6, 100).empty());
  EXPECT_EQ(log->aborted_transactions(5, 6).size(), 1u);
  auto file = segment_file(dir, 0, kTxnIndexSuffix);
  ASSERT_TRUE(std::filesystem::exists(file));
  EXPECT_EQ(std::filesystem::file_size(file), kTxnIndexEntryBytes);
  // The markers are control batches a dump can read back.
  auto slice = log->read(5, 1 << 20, INT64_MAX, true);
  ASSERT_TRUE(slice.ok());
  Bytes bytes = read_slice(*slice);
  auto hs = headers_of(bytes);
  ASSERT_EQ(hs.size(), 2u);
  EXPECT_TRUE(hs[0].is_control());
  auto m = model::parse_end_txn_marker(ByteView(bytes).subspan(0, hs[0].size_bytes()));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(*m, (model::EndTxnMarker{false, 0}));
}

TEST(TxnLog, NonTransactionalWriteDuringATransactionIsRefused) {
  TempDir d;
  auto log = open_log(d.path() / "t-0");
  ASSERT_TRUE(log->append(producer_batch(1, 0, 0, 1, true), 0, 1000).ok());
  auto r = log->append(producer_batch(1, 0, 1, 1, false), 0, 1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, int16_t(ErrorCode::INVALID_TXN_STATE));
}

// State after writing: an aborted txn of producer 1, an open txn of producer 2, producer 3
// idempotent; a roll in between so a snapshot exists mid-log.
void write_history(Log& log) {
  ASSERT_TRUE(log.append(producer_batch(1, 0, 0, 2, true), 0, 1000).ok());  // 0-1
  ASSERT_TRUE(log.roll(1000).ok());
  ASSERT_TRUE(log.append(producer_batch(3, 0, 0, 2), 0, 1000).ok());        // 2-3
  ASSERT_TRUE(abort_txn(log, 1, 0).ok());                                   // 4
  ASSERT_TRUE(log.append(producer_batch(2, 0, 0, 1, true), 0, 1000).ok());  // 5
  ASSERT_TRUE(log.append(producer_batch(3, 0, 2, 2), 0, 1000).ok());        // 6-7
}

void expect_history(const Log& log) {
  auto aborted = log.aborted_transactions(0, 100);
  ASSERT_EQ(aborted.size(), 1u);
  EXPECT_EQ(aborted[0].producer_id, 1);
  EXPECT_EQ(aborted[0].first_offset, 0);
  EXPECT_EQ(aborted[0].last_offset, 4);
  ASSERT_EQ(log.producer_state().open_transactions().size(), 1u);
  EXPECT_EQ(log.producer_state().open_transactions().begin()->first, 5);
  const auto* p3 = log.producer_state().find(3);
  ASSERT_TRUE(p3);
  EXPECT_EQ(p3->last_seq(), 3);
  EXPECT_EQ(p3->last_offset(), 7);
}

TEST(TxnLog, CleanRestartReadsTheSnapshotAndTheIndex) {
  TempDir d;
  auto dir = d.path() / "t-0";
  {
    auto log = open_log(dir);
    write_history(*log);
    ASSERT_TRUE(log->close().ok());
  }
  EXPECT_TRUE(std::filesystem::exists(segment_file(dir, 8, kSnapshotSuffix)));
  auto log = open_log(dir);
  expect_history(*log);
  // The retried last batch of producer 3 is still recognised.
  auto again = log->append(producer_batch(3, 0, 2, 2), 0, 1000);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->first_offset, 6);
}

TEST(TxnLog, CrashRebuildsFromTheRollSnapshotAndTheLog) {
  TempDir d;
  auto dir = d.path() / "t-0";
  {
    auto log = open_log(dir);
    write_history(*log);
    ASSERT_TRUE(log->flush().ok());
    // Crash: no close(), and the transaction index of the active segment lost.
  }
  std::filesystem::remove(segment_file(dir, 2, kTxnIndexSuffix));
  EXPECT_TRUE(std::filesystem::exists(segment_file(dir, 2, kSnapshotSuffix)));
  auto log = open_log(dir);
  expect_history(*log);
  EXPECT_TRUE(std::filesystem::exists(segment_file(dir, 2, kTxnIndexSuffix)));
}

TEST(TxnLog, WithoutAnySnapshotTheWholeLogIsReplayed) {
  TempDir d;
  auto dir = d.path() / "t-0";
  {
    auto log = open_log(dir);
    write_history(*log);
    ASSERT_TRUE(log->close().ok());
  }
  for (int64_t o : list_producer_snapshots(dir)) remove_producer_snapshot(dir, o);
  std::filesystem::remove(segment_file(dir, 2, kTxnIndexSuffix));
  std::filesystem::remove(dir / kCleanShutdownFile);  // as after a crash
  auto log = open_log(dir);
  expect_history(*log);
}

TEST(TxnLog, CleanShutdownWithoutSnapshotsReplaysNothing) {
  // A log written before producer state existed: closed cleanly, no snapshot.
  TempDir d;
  auto dir = d.path() / "t-0";
  {
    auto log = open_log(dir);
    ASSERT_TRUE(log->append(producer_batch(3, 0, 0, 2), 0, 1000).ok());
    ASSERT_TRUE(log->close().ok());
  }
  for (int64_t o : list_producer_snapshots(dir)) remove_producer_snapshot(dir, o);
  auto log = open_log(dir);
  EXPECT_TRUE(log->producer_state().producers().empty());
  EXPECT_EQ(log->log_end_offset(), 2);
}

TEST(TxnLog, EverySnapshotIsWrittenEvenWithoutProducers) {
  TempDir d;
  auto dir = d.path() / "t-0";
  auto log = open_log(dir);
  ASSERT_TRUE(log->append(batch(2, 100), 0, 1000).ok());
  ASSERT_TRUE(log->roll(1000).ok());
  EXPECT_EQ(list_producer_snapshots(dir), (std::vector<int64_t>{2}));
}

TEST(TxnLog, TruncationBelowAMarkerReopensTheTransaction) {
  TempDir d;
  auto dir = d.path() / "t-0";
  auto log = open_log(dir);
  write_history(*log);
  ASSERT_TRUE(log->truncate_to(4).ok());
  EXPECT_TRUE(log->aborted_transactions(0, 100).empty());
  ASSERT_EQ(log->producer_state().open_transactions().size(), 1u);
  EXPECT_EQ(log->producer_state().open_transactions().begin()->first, 0);
  EXPECT_EQ(log->producer_state().find(3)->last_offset(), 3);
  EXPECT_FALSE(log->producer_state().find(2));
  EXPECT_FALSE(std::filesystem::exists(segment_file(dir, 2, kTxnIndexSuffix)));
}

TEST(TxnLog, ReplicatedAppendsBuildTheSameState) {
  TempDir d;
  auto leader = open_log(d.path() / "a-0");
  write_history(*leader);
  auto follower = open_log(d.path() / "b-0");
  auto slice = leader->read(0, 1 << 20, INT64_MAX, true);
  ASSERT_TRUE(slice.ok());
  Bytes first = read_slice(*slice);
  ASSERT_TRUE(follower->append_replicated(first).ok());
  auto rest = leader->read(follower->log_end_offset(), 1 << 20, INT64_MAX, true);
  ASSERT_TRUE(rest.ok());
  ASSERT_TRUE(follower->append_replicated(read_slice(*rest)).ok());
  EXPECT_EQ(follower->log_end_offset(), 8);
  expect_history(*follower);
}

TEST(TxnLog, RetentionDropsTheAbortedTransactionsOfDeletedSegments) {
  TempDir d;
  auto log = open_log(d.path() / "t-0");
  write_history(*log);
  ASSERT_TRUE(log->roll(1000).ok());
  ASSERT_TRUE(log->append(batch(1, 100), 0, 1000).ok());
  ASSERT_TRUE(log->advance_log_start_offset(8).ok());
  EXPECT_TRUE(log->aborted_transactions(0, 100).empty());
}

}  // namespace
}  // namespace gregor::storage
