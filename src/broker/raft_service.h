// RaftService: runs this node's member of the KRaft quorum (raft::RaftNode) on shard 0 over the
// network and disk. Incoming Raft requests (Vote, BeginQuorumEpoch, EndQuorumEpoch, Fetch and
// FetchSnapshot of __cluster_metadata-0, handled by broker/handlers) are fed to the node and
// answered when the node answers them (a leader may hold a Fetch as a long poll). Requests the
// node sends go to the voters' controller listeners over one pipelined net::Client per voter;
// answers (or the failure to get one) are fed back. A 10 ms tick drives the node's timers.
// The metadata log lives in <metadata dir>/__cluster_metadata-0 with the quorum-state file and
// snapshots (`<end offset>-<epoch>.checkpoint`) beside it.
// propose() appends metadata records as the leader; wait_applied() resumes once they are
// committed and applied to the state machine, or fails with NOT_CONTROLLER (41) when this
// node loses the leadership first, or REQUEST_TIMED_OUT (7).
// Thread-safety: every member is called on shard 0 only.
#pragma once

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "raft/config.h"
#include "raft/messages.h"
#include "raft/raft_node.h"
#include "raft/state_machine.h"

namespace gregor::net { class Client; }
namespace gregor::raft {
class StorageRaftLog;
class FileQuorumStateStore;
class FileSnapshotStore;
}  // namespace gregor::raft

namespace gregor::broker {

struct VoterAddress {
  int32_t id = -1;
  std::string host;
  uint16_t port = 0;
};

class RaftService {
 public:
  struct Options {
    raft::Config config;                  // node_id, voters, cluster_id, timeouts
    std::vector<VoterAddress> voters;     // where each voter's controller listener is
    std::filesystem::path metadata_dir;   // holds __cluster_metadata-0
    uint64_t seed = 0;
    std::function<void()> on_progress;   // after every step (shard 0): new leader, applied data
    // Once, when the node stops on a fatal error (storage, or a metadata batch it cannot replay).
    std::function<void(const Error&)> on_fatal;
  };

  RaftService(asio::any_io_executor ex, Options options, raft::StateMachine& state_machine);
  ~RaftService();

  // Opens the log, quorum state and snapshots, and starts the node (replaying nothing yet:
  // committed batches are applied as the high watermark becomes known).
  Status open();
  // Starts the tick loop. REQUIRES: open() succeeded.
  void start();
  // Resigns if leader (telling the voters), stops the loop and closes the log.
  asio::awaitable<void> stop();

  // Feeds one request from node `from` and returns the node's answer.
  asio::awaitable<raft::Response> handle(int32_t from, raft::Request request);

  // Leader only: appends records (metadata record values) as one batch; the last offset.
  Result<int64_t> propose(std::vector<Bytes> records);
  // Waits until `offset` is committed and applied (see the header comment for errors).
  asio::awaitable<Status> wait_applied(int64_t offset, int32_t epoch, int64_t timeout_ms);

  raft::RaftNode& node() { return *node_; }
  const raft::RaftNode& node() const { return *node_; }
  bool is_leader() const;
  // DescribeQuorum with wall-clock timestamps.
  Result<raft::QuorumDescription> describe() const;

 private:
  struct Slot {
    std::unique_ptr<asio::steady_timer> timer;
    std::optional<raft::Response> response;
  };
  void pump();
  asio::awaitable<void> send(int32_t to, uint64_t correlation_id, raft::Request request);
  asio::awaitable<void> tick_loop();
  void wake_appliers();

  asio::any_io_executor ex_;
  Options options_;
  raft::StateMachine& sm_;
  std::unique_ptr<raft::StorageRaftLog> log_;
  std::unique_ptr<raft::FileQuorumStateStore> quorum_;
  std::unique_ptr<raft::FileSnapshotStore> snapshots_;
  std::unique_ptr<raft::RaftNode> node_;
  std::map<int32_t, std::shared_ptr<net::Client>> clients_;
  std::map<uint64_t, std::shared_ptr<Slot>> slots_;
  std::vector<std::shared_ptr<asio::steady_timer>> appliers_;
  uint64_t next_request_id_ = 1;
  int64_t last_applied_ = -1;
  bool stopping_ = false;
  std::shared_ptr<asio::steady_timer> tick_timer_;
};

}  // namespace gregor::broker
