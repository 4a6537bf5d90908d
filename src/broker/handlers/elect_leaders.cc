// ElectLeaders (43): preferred (the first replica, when live and in the ISR) or unclean (any
// live replica of a leaderless partition) leader elections, decided by the active controller
// (controller/election.h; other nodes forward the request) and committed before the answer.
#include "broker/broker.h"
#include "broker/controller_call.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> elect_leaders(RequestContext& ctx) {
  auto req = decode_body<proto::ElectLeadersRequest>(ctx);
  if (!req) co_return close_connection();
  proto::ElectLeadersResponse resp;
  if (req->election_type != 0 && req->election_type != 1) {
    resp.error_code = 42;  // INVALID_REQUEST
    co_return respond(ctx, resp);
  }
  controller::ElectLeadersRequest r;
  r.type = controller::ElectionType(req->election_type);
  if (req->topic_partitions) {
    r.topic_partitions.emplace();
    for (const auto& tp : *req->topic_partitions) r.topic_partitions->push_back({tp.topic, tp.partitions});
  }
  controller::ElectLeadersResponse not_leader;
  auto decided = co_await controller_call(
      ctx.broker, [&r](controller::Controller& c) { return c.elect_leaders(r); }, not_leader);
  if (decided.results.empty() && !ctx.broker.is_active_controller()) {
    resp.error_code = 41;  // NOT_CONTROLLER
    co_return respond(ctx, resp);
  }
  for (const auto& t : decided.results) {
    proto::ElectLeadersResponse::ReplicaElectionResult out;
    out.topic = t.topic;
    for (const auto& p : t.partitions) {
      proto::ElectLeadersResponse::PartitionResult pr;
      pr.partition_id = p.partition_id;
      pr.error_code = p.error;
      pr.error_message = p.message;
      out.partition_result.push_back(std::move(pr));
    }
    resp.replica_election_results.push_back(std::move(out));
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
