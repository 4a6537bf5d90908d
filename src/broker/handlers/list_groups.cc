// ListGroups (16): every group this node coordinates, optionally filtered by state (v4+,
// case-insensitive) and type (v5+; all groups here are "classic").
#include <algorithm>
#include <cctype>

#include "broker/broker.h"
#include "broker/handlers/group_common.h"
#include "broker/handlers/handlers.h"
#include "protocol/generated/messages.h"

namespace gregor::broker::handlers {

namespace {
bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}
}  // namespace

asio::awaitable<net::HandlerResult> list_groups(RequestContext& ctx) {
  auto req = decode_body<proto::ListGroupsRequest>(ctx);
  if (!req) co_return close_connection();
  proto::ListGroupsResponse resp;
  bool classic_wanted = req->types_filter.empty() ||
                        std::any_of(req->types_filter.begin(), req->types_filter.end(),
                                    [](const std::string& t) { return iequals(t, "classic"); });
  Broker& broker = ctx.broker;
  const std::vector<std::string>* states = &req->states_filter;
  for (size_t s = 0; s < broker.shards().size() && classic_wanted; ++s) {
    auto listed = co_await broker.shards().invoke_on(s, [&broker, states] {
      std::vector<group::GroupListing> out;
      for (auto& [index, gp] : broker.local().groups) {
        auto l = gp->manager().list(*states);
        out.insert(out.end(), l.begin(), l.end());
      }
      return out;
    });
    for (auto& l : listed) {
      proto::ListGroupsResponse::ListedGroup g;
      g.group_id = std::move(l.group_id);
      g.protocol_type = std::move(l.protocol_type);
      g.group_state = std::move(l.state);
      g.group_type = "classic";
      resp.groups.push_back(std::move(g));
    }
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
