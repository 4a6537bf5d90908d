#include "coordinator/txn/txn_records.h"

#include <fmt/format.h>

#include <map>
#include <vector>

#include "coordinator/group/records.h"
#include "model/error_code.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace gregor::txn {

namespace {

constexpr int16_t kKeyVersion = 0, kValueVersion = 0, kValueMax = 1;

Error corrupt(std::string why) { return model::make_error(model::ErrorCode::CORRUPT_MESSAGE, std::move(why)); }

Bytes done(proto::Writer& w) {
  auto flat = proto::flatten(w.finish());
  return flat.ok() ? std::move(*flat) : Bytes{};
}

}  // namespace

std::string_view state_name(TxnState s) {
  switch (s) {
    case TxnState::Empty: return "Empty";
    case TxnState::Ongoing: return "Ongoing";
    case TxnState::PrepareCommit: return "PrepareCommit";
    case TxnState::PrepareAbort: return "PrepareAbort";
    case TxnState::CompleteCommit: return "CompleteCommit";
    case TxnState::CompleteAbort: return "CompleteAbort";
    case TxnState::Dead: return "Dead";
    case TxnState::PrepareEpochFence: return "PrepareEpochFence";
  }
  return "Unknown";
}

bool parse_state(std::string_view name, TxnState& out) {
  for (int i = 0; i <= 7; ++i)
    if (state_name(TxnState(i)) == name) {
      out = TxnState(i);
      return true;
    }
  return false;
}

Bytes encode_txn_key(const std::string& transactional_id) {
  proto::Writer w;
  w.int16(kKeyVersion);
  w.string(transactional_id, false);
  return done(w);
}

Bytes encode_txn_value(const TxnMetadata& m) {
  proto::Writer w;
  w.int16(kValueVersion);
  w.int64(m.producer_id);
  w.int16(m.producer_epoch);
  w.int32(m.timeout_ms);
  w.int8(int8_t(m.state));
  std::map<std::string, std::vector<int32_t>> by_topic;
  for (const auto& tp : m.partitions) by_topic[tp.topic].push_back(tp.partition);
  if (m.state == TxnState::Empty) w.null_array(false);  // as Kafka writes an Empty state
  else w.array_length(by_topic.size(), false);
  for (const auto& [topic, parts] : by_topic) {
    w.string(topic, false);
    w.array_length(parts.size(), false);
    for (int32_t p : parts) w.int32(p);
  }
  w.int64(m.last_update_ms);
  w.int64(m.txn_start_ms);
  return done(w);
}

Result<std::string> decode_txn_key(ByteView key) {
  proto::Reader r{Bytes(key.begin(), key.end())};
  int16_t v = r.int16();
  if (!r.ok()) return corrupt("transaction log key too short");
  if (v != kKeyVersion) return corrupt(fmt::format("unknown transaction log key version {}", v));
  std::string id = r.string(false);
  if (!r.ok()) return corrupt(fmt::format("malformed transaction log key: {}", r.error()));
  return id;
}

Result<TxnMetadata> decode_txn_value(ByteView value) {
  proto::Reader r{Bytes(value.begin(), value.end())};
  int16_t v = r.int16();
  if (!r.ok()) return corrupt("transaction log value too short");
  if (v < 0 || v > kValueMax) return corrupt(fmt::format("unknown transaction log value version {}", v));
  const bool flexible = v >= 1;
  TxnMetadata m;
  m.producer_id = r.int64();
  m.producer_epoch = r.int16();
  m.timeout_ms = r.int32();
  int8_t state = r.int8();
  int32_t topics = r.array_length(flexible, true);
  for (int32_t i = 0; r.ok() && i < topics; ++i) {
    std::string topic = r.string(flexible);
    int32_t n = r.array_length(flexible, false);
    for (int32_t j = 0; r.ok() && j < n; ++j) m.partitions.insert(TopicPartition{topic, r.int32()});
    if (flexible) r.skip_tagged_fields();
  }
  m.last_update_ms = r.int64();
  m.txn_start_ms = r.int64();
  if (flexible) r.skip_tagged_fields();
  if (!r.ok()) return corrupt(fmt::format("malformed transaction log value: {}", r.error()));
  if (state < 0 || state > 7) return corrupt(fmt::format("unknown transaction state {}", state));
  m.state = TxnState(state);
  return m;
}

int32_t partition_for_txn(const std::string& transactional_id, int32_t partitions) {
  return group::partition_for_group(transactional_id, partitions);  // the same String.hashCode rule
}

}  // namespace gregor::txn
