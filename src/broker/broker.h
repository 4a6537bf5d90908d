// Broker: the Kafka request path of a node. handle() decodes a request frame, dispatches it to
// the handler for its API (one file per API in handlers/), and encodes the response. Handlers
// route partition work to the owning shard (owner_of) by message passing and join the results.
// Metadata changes go through the controller on shard 0; publish() then installs the new image
// on every shard, which opens or removes the partitions it owns.
// Thread-safety: handle() runs on the connection's shard; local() is that shard's state.
#pragma once

#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>

#include <atomic>
#include <filesystem>
#include <optional>
#include <tuple>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "broker/shard_state.h"
#include "controller/controller.h"
#include "net/connection.h"
#include "net/shards.h"
#include "raft/messages.h"
#include "storage/checkpoint_file.h"

namespace gregor::controller { class MetadataStateMachine; }

namespace gregor::broker {

class RaftService;

struct VoterEndpoint {
  int32_t id = -1;
  std::string host;
  uint16_t port = 0;
};

struct AdvertisedListener {
  std::string name;
  std::string host;
  int32_t port = 0;
};

struct BrokerOptions {
  int32_t node_id = -1;
  std::vector<AdvertisedListener> advertised;  // broker listeners, as clients reach them
  std::vector<std::string> controller_listeners;
  std::vector<std::filesystem::path> log_dirs;
};

class Broker {
 public:
  Broker(net::ShardSet& shards, BrokerOptions options, controller::Controller& controller);
  ~Broker();

  // Loads every partition of the current image on its owner shard, recovering logs.
  // REQUIRES: called once, from shard 0, before serving.
  asio::awaitable<Status> start();
  // Flushes and closes every partition and writes the log dir checkpoints.
  asio::awaitable<void> stop();

  asio::awaitable<net::HandlerResult> handle(SharedSlice frame, const net::ConnectionInfo& info);

  // Installs the controller's current image on every shard (from any shard).
  asio::awaitable<void> publish();

  // Periodic work on every shard: retention, segment.ms rolls, flush policy.
  void housekeeping(int64_t now_ms);

  size_t owner_of(const std::string& topic, int32_t partition) const;
  ShardState& local();
  ShardState& state(size_t shard) { return *states_[shard]; }
  net::ShardSet& shards() { return shards_; }
  const BrokerOptions& options() const { return options_; }
  controller::Controller& controller() { return controller_; }

  // The host and port at which a client on `listener` reaches broker b (this node's advertised
  // listener of the same name; other brokers as registered).
  std::pair<std::string, int32_t> endpoint_for(const metadata::BrokerInfo& b, const std::string& listener) const;

  // --- The controller quorum (quorum.cc, controller_call.h). ---
  // Connects the node's quorum member. REQUIRES: shard 0, before start().
  void attach_quorum(RaftService* raft, controller::MetadataStateMachine* state_machine,
                     std::vector<VoterEndpoint> voters);
  // Lets the quorum member answer a Raft request (from any shard); nullopt without a quorum.
  asio::awaitable<std::optional<raft::Response>> raft_call(int32_t from, raft::Request request);
  asio::awaitable<Result<raft::QuorumDescription>> describe_quorum();
  // Whether this node is the active controller (the quorum's leader), and who is; any shard.
  bool is_active_controller() const { return active_controller_.load(); }
  bool has_quorum() const { return raft_ != nullptr; }
  const std::vector<VoterEndpoint>& voters() const { return voters_; }
  // The metadata log offset this node has applied (shard 0).
  int64_t applied_metadata_offset() const;
  int32_t quorum_leader() const { return quorum_leader_.load(); }
  // Shard 0, after every step of the quorum member: tracks the leader and publishes new images.
  void on_quorum_progress();
  // Sends a request frame unchanged to the active controller and returns its answer for
  // `correlation_id`; NOT_CONTROLLER-style failure closes nothing but the answer is nullopt.
  asio::awaitable<std::optional<net::HandlerResult>> forward_to_controller(SharedSlice frame, int32_t correlation_id);
  // Creates topics through the active controller, wherever it runs (auto-creation, internal
  // topics); results in spec order. Any shard.
  asio::awaitable<std::vector<controller::CreateTopicResult>> create_topics_anywhere(
      std::vector<controller::CreateTopicSpec> specs);
  // The active controller's timers (shard 0, every 250 ms): on taking over, a fresh heartbeat
  // session for every broker; then fencing of brokers whose session expired.
  asio::awaitable<void> controller_timer_loop(const std::atomic<bool>& stopping);
  // This shard's connection to voter `node`'s controller listener; null for an unknown node.
  std::shared_ptr<net::Client> controller_client(int32_t node);
  // Controller writes, one at a time (shard 0): lock, decide, commit_pending, unlock.
  asio::awaitable<void> lock_controller();
  void unlock_controller();
  // Proposes the records the controller's decisions left pending, waits until they are
  // committed and applied, and publishes the image. REQUIRES: shard 0, lock held.
  asio::awaitable<Status> commit_pending();

  // Wakes long-polling fetches registered on partition p (called on p's owner shard).
  void notify_waiters(Partition& p);

  // --- Partition replication (replica_manager.cc, replica_fetcher.h). Owner shard. ---
  // Sets p's role from the image: leader (the leader epoch recorded in its
  // leader-epoch-checkpoint at the LEO, a fresh PartitionLeaderState, acks=all waiting on the
  // high watermark), follower (the shard's fetcher for the leader copies it), or neither (no
  // leader). The group coordinator of a __consumer_offsets partition runs only on its leader.
  void apply_replica_role(ShardState& st, Partition& p, const metadata::PartitionInfo& info,
                          const metadata::TopicInfo& topic);
  // After appending to a partition this broker leads: the high watermark and the waiters.
  void after_leader_append(Partition& p);
  // p's high watermark may have moved: completes the acks=all produces it reached and wakes
  // fetch waiters.
  void on_high_watermark_changed(Partition& p);
  // Registers an acks=all produce that waits for `required_offset` on p; false when the
  // partition's queue is full (answer REQUEST_TIMED_OUT).
  bool park_ack(Partition& p, int64_t required_offset, int64_t deadline_ms, AckWaiterRef ref);
  // Sends an ISR change of p to the active controller and applies the answer (retrying on
  // transport errors and NOT_CONTROLLER while p is still led by us with that proposal pending).
  void send_alter_partition(PartitionKey key, replication::AlterPartitionProposal proposal);
  // Every 100 ms on every shard: acks=all deadlines and ISR shrink checks.
  void replication_tick();
  // Shard 0, every replica.high.watermark.checkpoint.interval.ms and at stop: writes each log
  // dir's replication-offset-checkpoint (the high watermarks).
  asio::awaitable<void> checkpoint_high_watermarks();
  // This broker's epoch as the controller registered it (-1 before), for AlterPartition.
  void set_broker_epoch(int64_t epoch) { broker_epoch_ = epoch; }
  int64_t broker_epoch() const { return broker_epoch_.load(); }

  // The controller session as this broker knows it: renewed with the send time of every
  // heartbeat the controller answered unfenced. A broker acts as leader only while that
  // session cannot have lapsed at the controller (less than broker.session.timeout.ms since the
  // last such heartbeat was sent): a broker paused or cut off longer may have been fenced and
  // replaced as leader, so it answers NOT_LEADER_OR_FOLLOWER and names no leader on itself in
  // Metadata until a heartbeat is answered again (the metadata it then applies says where the
  // leaderships went). Without a quorum (tests) the session never lapses. Any shard.
  void renew_session(int64_t sent_mono_ms) { session_from_ms_.store(sent_mono_ms); }
  void lose_session() { session_from_ms_.store(-1); }
  bool session_valid(int64_t now_mono_ms) const {
    if (!has_quorum()) return true;
    int64_t from = session_from_ms_.load();
    return from >= 0 && now_mono_ms - from < session_timeout_ms_.load();
  }
  void set_session_timeout_ms(int64_t ms) { session_timeout_ms_.store(ms); }
  // p is led here and this broker's controller session holds.
  bool acts_as_leader(const Partition& p, int64_t now_mono_ms) const {
    return p.is_leader() && session_valid(now_mono_ms);
  }

  // --- Producer ids (producer_ids.cc). ---
  // A producer id never handed out before, from this broker's block (fetched from the active
  // controller when used up); COORDINATOR_LOAD_IN_PROGRESS when no block can be had. Any shard.
  asio::awaitable<Result<int64_t>> allocate_producer_id();

  // --- The group coordinator (groups.cc). ---
  struct GroupLocation {
    int16_t error = 0;       // COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, or 0
    int32_t partition = -1;  // of __consumer_offsets
    size_t shard = 0;        // the shard that owns that partition
  };
  // Where group_id is coordinated, from this shard's image.
  GroupLocation locate_group(const std::string& group_id);
  // Creates __consumer_offsets (offsets.topic.* settings) if it does not exist; any shard.
  asio::awaitable<void> ensure_offsets_topic();
  // Registers a parked request of this shard; the token goes into the JoinGroup/SyncGroup.
  uint64_t park_group_request(std::shared_ptr<GroupWaiter> waiter);
  void unpark_group_request(uint64_t token);
  // Sends each completion to the shard whose request it answers (from the coordinator's shard).
  void deliver_group_completions(std::vector<group::Completion> completions);
  // Group timers and offset retention for the coordinators of this shard (run every 50 ms).
  void group_tick();
  // This shard's coordinator clock: wall time, never going backwards.
  int64_t group_now();

  // --- The transaction coordinator (txns.cc, txn_call.h). ---
  // Where transactional_id is coordinated (its __transaction_state partition), this shard's view.
  GroupLocation locate_txn(const std::string& transactional_id);
  // Creates __transaction_state (transaction.state.log.* settings) if it does not exist.
  asio::awaitable<void> ensure_txn_topic();
  // Timed-out transactions, expired ids and the markers of committed Prepare states, for the
  // coordinators of this shard (run every 50 ms).
  void txn_tick();
  // Starts writing the markers of txn_partition's transactions whose Prepare state is committed
  // (each job once; the tick retries none of them while in flight). On the partition's shard.
  void dispatch_txn_markers(int32_t txn_partition);
  // This shard's connection to broker_id's listener (as registered); null for an unknown broker.
  std::shared_ptr<net::Client> broker_client(int32_t broker_id);

 private:
  void install_image(ShardState& st, metadata::ImagePtr image);
  void open_group_partition(ShardState& st, Partition& p);
  void open_txn_partition(ShardState& st, Partition& p, int32_t leader_epoch);
  // Writes the markers of one transaction to its partitions' leaders, then its Complete state
  // (on the coordinator's shard, while it still coordinates with coordinator_epoch).
  asio::awaitable<void> send_markers(int32_t txn_partition, int32_t coordinator_epoch, txn::MarkerJob job);
  std::filesystem::path dir_for(const std::string& topic, int32_t partition) const;

  net::ShardSet& shards_;
  BrokerOptions options_;
  controller::Controller& controller_;
  RaftService* raft_ = nullptr;                              // shard 0
  controller::MetadataStateMachine* state_machine_ = nullptr;  // shard 0
  std::vector<VoterEndpoint> voters_;
  std::atomic<bool> active_controller_{false};
  std::atomic<int32_t> quorum_leader_{-1};
  bool controller_locked_ = false;                             // shard 0
  std::vector<std::shared_ptr<asio::steady_timer>> controller_waiters_;  // shard 0
  uint64_t published_version_ = 0;                             // shard 0
  std::atomic<bool> stopped_{false};                           // stop() began (any shard reads)
  std::vector<std::unique_ptr<ShardState>> states_;
  void stop_following(ShardState& st, Partition& p);
  void start_following(ShardState& st, Partition& p, int32_t leader);
  void resign_leadership(Partition& p, int16_t error_code);
  void deliver_acks(Partition& p, const std::vector<replication::AckCompletion>& done);
  std::vector<std::pair<std::filesystem::path, storage::PartitionOffset>> collect_offsets(
      size_t shard, int64_t (*which)(const Partition&));

  std::atomic<int64_t> broker_epoch_{-1};
  std::atomic<int64_t> session_from_ms_{-1};
  std::atomic<int64_t> session_timeout_ms_{9000};
  int64_t pid_next_ = 0, pid_end_ = 0;  // shard 0: the producer id block being handed out
  std::map<std::string, int64_t> high_watermarks_;   // "topic-partition" -> offset, read at start
  std::map<std::string, int64_t> recovery_points_;   // "topic-partition" -> offset, read at start
  std::map<std::string, int64_t> log_start_offsets_;
  std::map<std::string, std::filesystem::path> existing_dirs_;
};

}  // namespace gregor::broker
