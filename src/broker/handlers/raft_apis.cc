// The KRaft quorum's own APIs, served on the controller listener: Vote (52),
// BeginQuorumEpoch (53), EndQuorumEpoch (54), FetchSnapshot (59), and DescribeQuorum (55,
// also on broker listeners). Each request is mapped to the Raft core's message (raft/wire.h)
// and answered by this node's quorum member on shard 0. A node that is not a voter or observer
// of a quorum answers with the API's error (NOT_LEADER_OR_FOLLOWER / NOT_CONTROLLER). Fetch of
// __cluster_metadata-0 arrives through handlers/fetch.cc and raft_fetch() here.
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/raft_service.h"
#include "protocol/generated/messages.h"
#include "raft/wire.h"

namespace gregor::broker::handlers {

namespace {

constexpr int16_t kNotLeaderOrFollower = 6, kInvalidRequest = 42;

// Decodes Req, maps it for the core, lets the quorum answer, and encodes the answer as Resp.
template <class Req, class Resp, class CoreResp>
asio::awaitable<net::HandlerResult> serve_raft(RequestContext& ctx) {
  auto req = decode_body<Req>(ctx);
  if (!req) co_return close_connection();
  auto mapped = raft::from_wire(*req);
  Resp resp;
  if (!mapped.ok()) {
    resp.error_code = mapped.error().code == 3 ? int16_t(3) : kInvalidRequest;
    co_return respond(ctx, resp);
  }
  int32_t from = -1;
  if constexpr (std::is_same_v<Req, proto::VoteRequest>) from = mapped->candidate_id;
  else if constexpr (std::is_same_v<Req, proto::FetchSnapshotRequest>) from = mapped->replica_id;
  else from = mapped->leader_id;
  auto answer = co_await ctx.broker.raft_call(from, raft::Request(std::move(*mapped)));
  if (!answer) {
    resp.error_code = kNotLeaderOrFollower;
    co_return respond(ctx, resp);
  }
  co_return respond(ctx, raft::to_wire(std::get<CoreResp>(*answer)));
}

}  // namespace

asio::awaitable<net::HandlerResult> vote(RequestContext& ctx) {
  co_return co_await serve_raft<proto::VoteRequest, proto::VoteResponse, raft::VoteResponse>(ctx);
}
asio::awaitable<net::HandlerResult> begin_quorum_epoch(RequestContext& ctx) {
  co_return co_await serve_raft<proto::BeginQuorumEpochRequest, proto::BeginQuorumEpochResponse,
                                raft::BeginQuorumEpochResponse>(ctx);
}
asio::awaitable<net::HandlerResult> end_quorum_epoch(RequestContext& ctx) {
  co_return co_await serve_raft<proto::EndQuorumEpochRequest, proto::EndQuorumEpochResponse,
                                raft::EndQuorumEpochResponse>(ctx);
}
asio::awaitable<net::HandlerResult> fetch_snapshot(RequestContext& ctx) {
  co_return co_await serve_raft<proto::FetchSnapshotRequest, proto::FetchSnapshotResponse,
                                raft::FetchSnapshotResponse>(ctx);
}

asio::awaitable<net::HandlerResult> raft_fetch(RequestContext& ctx, const proto::FetchRequest& req) {
  auto mapped = raft::from_wire(req, ctx.version());
  proto::FetchResponse resp;
  if (!mapped.ok()) {
    resp.error_code = kInvalidRequest;
    co_return respond(ctx, resp);
  }
  int32_t from = mapped->replica_id;
  auto answer = co_await ctx.broker.raft_call(from, raft::Request(std::move(*mapped)));
  if (!answer) {
    resp.error_code = kNotLeaderOrFollower;
    co_return respond(ctx, resp);
  }
  co_return respond(ctx, raft::to_wire(std::get<raft::FetchResponse>(*answer)));
}

asio::awaitable<net::HandlerResult> describe_quorum(RequestContext& ctx) {
  auto req = decode_body<proto::DescribeQuorumRequest>(ctx);
  if (!req) co_return close_connection();
  proto::DescribeQuorumResponse resp;
  if (req->topics.size() != 1 || req->topics[0].topic_name != raft::kMetadataTopic ||
      req->topics[0].partitions.size() != 1 || req->topics[0].partitions[0].partition_index != 0) {
    resp.error_code = kInvalidRequest;
    co_return respond(ctx, resp);
  }
  auto described = co_await ctx.broker.describe_quorum();
  if (!described.ok()) {
    auto& t = resp.topics.emplace_back();
    t.topic_name = raft::kMetadataTopic;
    auto& p = t.partitions.emplace_back();
    p.error_code = kNotLeaderOrFollower;
    p.error_message = described.error().message;
    co_return respond(ctx, resp);
  }
  resp = raft::describe_to_wire(*described);
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
