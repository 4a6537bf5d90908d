#include "storage/producer_state.h"

#include <gtest/gtest.h>

#include "model/error_code.h"
#include "storage/producer_snapshot.h"

namespace gregor::storage {
namespace {

using model::ErrorCode;

model::BatchHeader data_batch(int64_t pid, int16_t epoch, int32_t seq, int64_t offset, int32_t records = 1,
                              bool transactional = false) {
  model::BatchHeader h;
  h.producer_id = pid;
  h.producer_epoch = epoch;
  h.base_sequence = seq;
  h.base_offset = offset;
  h.last_offset_delta = records - 1;
  h.records_count = records;
  h.max_timestamp = 1000 + offset;
  if (transactional) h.attributes |= model::batch_attr::transactional;
  return h;
}

model::BatchHeader marker_batch(int64_t pid, int16_t epoch, int64_t offset) {
  model::BatchHeader h = data_batch(pid, epoch, -1, offset, 1, true);
  h.attributes |= model::batch_attr::control;
  return h;
}

int16_t stage_code(ProducerStateManager& m, const model::BatchHeader& h, AppendOrigin origin = AppendOrigin::client,
                   std::optional<model::EndTxnMarker> marker = std::nullopt) {
  ProducerStateManager::Update u;
  auto s = m.stage(u, h, origin, marker);
  if (!s.ok()) return s.error().code;
  m.apply(std::move(u));
  return 0;
}

TEST(ProducerState, SequencesMustFollowEachOtherWithinAnEpoch) {
  ProducerStateManager m;
  EXPECT_EQ(stage_code(m, data_batch(7, 0, 0, 0, 3)), 0);
  EXPECT_EQ(stage_code(m, data_batch(7, 0, 3, 3, 2)), 0);
  EXPECT_EQ(stage_code(m, data_batch(7, 0, 6, 5)), int16_t(ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER));
  EXPECT_EQ(stage_code(m, data_batch(7, 0, 4, 5)), int16_t(ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER));
  EXPECT_EQ(m.find(7)->last_seq(), 4);
  EXPECT_EQ(m.find(7)->last_offset(), 4);
}

TEST(ProducerState, UnknownProducerIsAcceptedAtAnySequence) {
  // As in Kafka since KIP-360: a producer whose state expired or was deleted carries on.
  ProducerStateManager m;
  EXPECT_EQ(stage_code(m, data_batch(9, 3, 41, 0)), 0);
  EXPECT_EQ(stage_code(m, data_batch(9, 3, 42, 1)), 0);
}

TEST(ProducerState, DuplicateOfOneOfTheLastFiveBatchesIsFoundWithItsOffsets) {
  ProducerStateManager m;
  for (int i = 0; i < 7; ++i) ASSERT_EQ(stage_code(m, data_batch(1, 0, i * 2, 100 + i * 2, 2)), 0);
  auto dup = m.find_duplicate(data_batch(1, 0, 10, 999, 2));
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->first_offset, 110);
  EXPECT_EQ(dup->last_offset, 111);
  EXPECT_TRUE(m.find_duplicate(data_batch(1, 0, 4, 999, 2)));    // the 5th newest
  EXPECT_FALSE(m.find_duplicate(data_batch(1, 0, 2, 999, 2)));   // older than the last 5
  EXPECT_FALSE(m.find_duplicate(data_batch(1, 1, 10, 999, 2)));  // another epoch
  EXPECT_FALSE(m.find_duplicate(data_batch(1, 0, 10, 999, 3)));  // another range
}

TEST(ProducerState, OlderEpochIsRefusedAndNewEpochMustStartAtZero) {
  ProducerStateManager m;
  ASSERT_EQ(stage_code(m, data_batch(1, 2, 0, 0)), 0);
  EXPECT_EQ(stage_code(m, data_batch(1, 1, 1, 1)), int16_t(ErrorCode::INVALID_PRODUCER_EPOCH));
  EXPECT_EQ(stage_code(m, data_batch(1, 3, 5, 1)), int16_t(ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER));
  EXPECT_EQ(stage_code(m, data_batch(1, 3, 0, 1)), 0);
  EXPECT_EQ(m.find(1)->epoch, 3);
  // A follower copies whatever the leader accepted.
  EXPECT_EQ(stage_code(m, data_batch(1, 1, 9, 2), AppendOrigin::replication), 0);
}

TEST(ProducerState, SequenceWrapsFromIntMaxToZero) {
  ProducerStateManager m;
  ASSERT_EQ(stage_code(m, data_batch(1, 0, INT32_MAX - 1, 0, 2)), 0);
  EXPECT_EQ(m.find(1)->last_seq(), INT32_MAX);
  EXPECT_EQ(stage_code(m, data_batch(1, 0, 0, 2)), 0);
}

TEST(ProducerState, TransactionBoundsTheFirstUnstableOffsetUntilItsMarkerIsReplicated) {
  ProducerStateManager m;
  ASSERT_EQ(stage_code(m, data_batch(1, 0, 0, 10, 5, true)), 0);
  ASSERT_EQ(stage_code(m, data_batch(2, 0, 0, 15, 5, true)), 0);
  EXPECT_EQ(m.first_unstable_offset(), 10);
  EXPECT_EQ(m.open_transactions().size(), 2u);
  // A non-transactional write while the transaction is open is refused.
  EXPECT_EQ(stage_code(m, data_batch(1, 0, 5, 20)), int16_t(ErrorCode::INVALID_TXN_STATE));

  ProducerStateManager::Update u;
  ASSERT_TRUE(m.stage(u, marker_batch(1, 0, 20), AppendOrigin::coordinator, model::EndTxnMarker{false, 4}).ok());
  auto done = m.apply(std::move(u));
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].first, (CompletedTxn{1, 10, 20, true}));
  EXPECT_EQ(done[0].second, 15);  // producer 2's transaction is still open
  EXPECT_EQ(m.first_unstable_offset(), 10);  // the marker is not below the high watermark yet
  m.on_high_watermark(21);
  EXPECT_EQ(m.first_unstable_offset(), 15);
  EXPECT_EQ(m.find(1)->current_txn_first_offset, -1);
  EXPECT_EQ(m.find(1)->coordinator_epoch, 4);
}

TEST(ProducerState, MarkerFromAnOlderCoordinatorIsFenced) {
  ProducerStateManager m;
  ProducerStateManager::Update u;
  ASSERT_TRUE(m.stage(u, marker_batch(1, 0, 0), AppendOrigin::coordinator, model::EndTxnMarker{true, 5}).ok());
  m.apply(std::move(u));
  EXPECT_EQ(stage_code(m, marker_batch(1, 0, 1), AppendOrigin::coordinator, model::EndTxnMarker{true, 4}),
            int16_t(ErrorCode::TRANSACTION_COORDINATOR_FENCED));
}

TEST(ProducerState, MarkerWithABumpedEpochFencesTheOldEpoch) {
  ProducerStateManager m;
  ASSERT_EQ(stage_code(m, data_batch(1, 0, 0, 0, 1, true)), 0);
  ASSERT_EQ(stage_code(m, marker_batch(1, 1, 1), AppendOrigin::coordinator, model::EndTxnMarker{false, 0}), 0);
  EXPECT_EQ(stage_code(m, data_batch(1, 0, 1, 2, 1, true)), int16_t(ErrorCode::INVALID_PRODUCER_EPOCH));
  EXPECT_EQ(stage_code(m, data_batch(1, 1, 0, 2, 1, true)), 0);
}

TEST(ProducerState, IdleProducersExpireButOpenTransactionsStay) {
  ProducerStateManager m;
  ASSERT_EQ(stage_code(m, data_batch(1, 0, 0, 0)), 0);             // timestamp 1000
  ASSERT_EQ(stage_code(m, data_batch(2, 0, 0, 1, 1, true)), 0);    // open transaction
  EXPECT_EQ(m.remove_expired(1000 + 500, 1000), 0u);
  EXPECT_EQ(m.remove_expired(1000 + 5000, 1000), 1u);
  EXPECT_FALSE(m.find(1));
  EXPECT_TRUE(m.find(2));
}

TEST(ProducerSnapshot, RoundTripsTheLastBatchOfEachProducer) {
  ProducerStateManager m;
  ASSERT_EQ(stage_code(m, data_batch(1, 2, 0, 0, 3)), 0);
  ASSERT_EQ(stage_code(m, data_batch(1, 2, 3, 3, 4)), 0);
  ASSERT_EQ(stage_code(m, data_batch(5, 0, 0, 7, 1, true)), 0);
  Bytes bytes = encode_producer_snapshot(m.producers());
  EXPECT_EQ(bytes.size(), 10u + 2 * 46);
  auto back = decode_producer_snapshot(bytes);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->size(), 2u);
  const auto& e1 = back->at(1);
  EXPECT_EQ(e1.epoch, 2);
  ASSERT_EQ(e1.batches.size(), 1u);
  EXPECT_EQ(e1.batches[0], (ProducerBatch{3, 6, 3, 6, 1003}));
  EXPECT_EQ(back->at(5).current_txn_first_offset, 7);

  ProducerStateManager reloaded;
  reloaded.reset(*back);
  EXPECT_EQ(reloaded.first_unstable_offset(), 7);
  EXPECT_TRUE(reloaded.find_duplicate(data_batch(1, 2, 3, 0, 4)));
}

TEST(ProducerSnapshot, CorruptBytesAreReportedNotTrusted) {
  ProducerStateManager m;
  ASSERT_EQ(stage_code(m, data_batch(1, 0, 0, 0)), 0);
  Bytes bytes = encode_producer_snapshot(m.producers());
  Bytes flipped = bytes;
  flipped.back() ^= 1;
  EXPECT_FALSE(decode_producer_snapshot(flipped).ok());
  EXPECT_FALSE(decode_producer_snapshot(ByteView(bytes).subspan(0, 20)).ok());
  Bytes version = bytes;
  version[1] = 9;
  EXPECT_FALSE(decode_producer_snapshot(version).ok());
}

}  // namespace
}  // namespace gregor::storage
