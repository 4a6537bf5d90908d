#include "raft/memory_log.h"

#include <gtest/gtest.h>

#include "raft/record_codec.h"

namespace gregor::raft {
namespace {

Bytes b(const char* s) { return Bytes(s, s + std::strlen(s)); }

TEST(MemoryRaftLog, AppendAssignsOffsetsAndEpochs) {
  MemoryRaftLog log;
  EXPECT_EQ(log.end_offset(), 0);
  EXPECT_EQ(log.last_epoch(), 0);
  auto a = log.append_as_leader(1, {b("x"), b("y")}, false);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->base_offset, 0);
  EXPECT_EQ(a->last_offset, 1);
  auto c = log.append_as_leader(3, {b("z")}, true);
  EXPECT_EQ(c->base_offset, 2);
  EXPECT_TRUE(c->control);
  EXPECT_EQ(log.end_offset(), 3);
  EXPECT_EQ(log.last_epoch(), 3);
  auto recs = unpack_records(log.read(0, 1)[0].data);
  ASSERT_TRUE(recs.has_value());
  EXPECT_EQ(recs->size(), 2u);
}

TEST(MemoryRaftLog, EndOffsetForEpochFollowsKafka) {
  MemoryRaftLog log;
  (void)log.append_as_leader(1, {b("a"), b("b")}, false);  // 0..1
  (void)log.append_as_leader(3, {b("c")}, false);          // 2
  (void)log.append_as_leader(5, {b("d")}, false);          // 3
  EXPECT_EQ(log.end_offset_for_epoch(1), (OffsetAndEpoch{2, 1}));
  EXPECT_EQ(log.end_offset_for_epoch(2), (OffsetAndEpoch{2, 1}));  // largest epoch <= 2 is 1
  EXPECT_EQ(log.end_offset_for_epoch(3), (OffsetAndEpoch{3, 3}));
  EXPECT_EQ(log.end_offset_for_epoch(5), (OffsetAndEpoch{4, 5}));
  EXPECT_EQ(log.end_offset_for_epoch(9), (OffsetAndEpoch{4, 5}));
  EXPECT_EQ(log.end_offset_for_epoch(0), (OffsetAndEpoch{0, 0}));
}

TEST(MemoryRaftLog, CrashKeepsOnlyFlushedPrefixAndChosenTail) {
  MemoryRaftLog log;
  (void)log.append_as_leader(1, {b("a")}, false);
  ASSERT_TRUE(log.flush().ok());
  (void)log.append_as_leader(1, {b("b")}, false);
  (void)log.append_as_leader(1, {b("c")}, false);
  EXPECT_EQ(log.unflushed_batches(), 2u);
  log.crash(1);
  EXPECT_EQ(log.end_offset(), 2);
  EXPECT_EQ(log.flushed_offset(), 2);
  log.crash(0);
  EXPECT_EQ(log.end_offset(), 2);
}

TEST(MemoryRaftLog, TruncateAndSnapshots) {
  MemoryRaftLog log;
  for (int i = 0; i < 5; ++i) (void)log.append_as_leader(1 + i / 3, {b("r")}, false);
  ASSERT_TRUE(log.flush().ok());
  ASSERT_TRUE(log.truncate_to(3).ok());
  EXPECT_EQ(log.end_offset(), 3);
  EXPECT_EQ(log.flushed_offset(), 3);
  EXPECT_EQ(log.take_min_truncated(), 3);
  ASSERT_TRUE(log.truncate_prefix_to_snapshot({2, 1}).ok());
  EXPECT_EQ(log.start_offset(), 2);
  EXPECT_EQ(log.read(0, 100).front().base_offset, 2);
  EXPECT_EQ(log.end_offset_for_epoch(1), (OffsetAndEpoch{3, 1}));
  ASSERT_TRUE(log.reset_to_snapshot({10, 4}).ok());
  EXPECT_EQ(log.start_offset(), 10);
  EXPECT_EQ(log.end_offset(), 10);
  EXPECT_EQ(log.last_epoch(), 4);
  EXPECT_EQ(log.end_offset_for_epoch(4), (OffsetAndEpoch{10, 4}));
  EXPECT_EQ(log.end_offset_for_epoch(3), (OffsetAndEpoch{-1, -1}));
  LogBatch next{10, 11, 5, false, pack_records({b("x"), b("y")})};
  EXPECT_TRUE(log.append_as_follower({next}).ok());
  LogBatch gap{20, 20, 5, false, pack_records({b("z")})};
  EXPECT_FALSE(log.append_as_follower({gap}).ok());
}

TEST(RecordCodec, RejectsMalformed) {
  Bytes packed = pack_records({b("hello"), b("")});
  ASSERT_TRUE(unpack_records(packed).has_value());
  packed.pop_back();
  EXPECT_FALSE(unpack_records(packed).has_value());
  EXPECT_FALSE(unpack_records(Bytes{0, 0, 0, 9}).has_value());
}

}  // namespace
}  // namespace gregor::raft
