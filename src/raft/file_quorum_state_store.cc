#include "raft/file_quorum_state_store.h"

#include <nlohmann/json.hpp>

#include <limits>
#include <system_error>

#include "io/file.h"

namespace gregor::raft {
namespace {

Error malformed(const std::string& why) {
  return make_error(errc::kKafkaStorageError, "malformed quorum-state file: " + why);
}

bool get_int32(const nlohmann::json& j, const char* key, int32_t& out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return false;
  int64_t v = it->get<int64_t>();
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    return false;
  }
  out = int32_t(v);
  return true;
}

}  // namespace

std::string FileQuorumStateStore::to_json(const QuorumStateData& state) const {
  nlohmann::ordered_json j;
  j["clusterId"] = cluster_id_;
  j["leaderId"] = state.leader_id;
  j["leaderEpoch"] = state.leader_epoch;
  j["votedId"] = state.voted_id;
  j["appliedOffset"] = 0;
  nlohmann::ordered_json voters = nlohmann::ordered_json::array();
  for (int32_t v : voters_) voters.push_back({{"voterId", v}});
  j["currentVoters"] = voters;
  j["data_version"] = 0;
  return j.dump();
}

Result<QuorumStateData> FileQuorumStateStore::parse(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return malformed("not JSON");
  if (!j.is_object()) return malformed("not a JSON object");
  int32_t version = 0;
  if (!get_int32(j, "data_version", version)) return malformed("no data_version");
  if (version != 0 && version != 1) return malformed("unknown data_version");
  QuorumStateData s;
  if (!get_int32(j, "leaderEpoch", s.leader_epoch) || s.leader_epoch < 0) {
    return malformed("bad leaderEpoch");
  }
  if (!get_int32(j, "leaderId", s.leader_id) || s.leader_id < kNoNode) {
    return malformed("bad leaderId");
  }
  if (!get_int32(j, "votedId", s.voted_id) || s.voted_id < kNoNode) {
    return malformed("bad votedId");
  }
  if (auto it = j.find("clusterId"); it != j.end() && !it->is_string()) {
    return malformed("bad clusterId");
  }
  return s;
}

Result<std::optional<QuorumStateData>> FileQuorumStateStore::load() {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) {
    if (ec) return make_error(errc::kKafkaStorageError, "stat " + path_.string() + ": " + ec.message());
    return std::optional<QuorumStateData>();
  }
  auto text = io::read_small_file(path_, 1 << 20);
  if (!text.ok()) return text.error();
  auto parsed = parse(*text);
  if (!parsed.ok()) {
    return make_error(parsed.error().code, parsed.error().message + " (" + path_.string() + ")");
  }
  return std::optional<QuorumStateData>(*parsed);
}

Status FileQuorumStateStore::save(const QuorumStateData& state) {
  return io::write_file_atomic(path_, to_json(state));
}

}  // namespace gregor::raft
