// Metadata (3): brokers, cluster id, controller, and topics with their partitions (leader,
// replicas, ISR, leader epoch). Auto-creates requested topics when the request allows it and
// auto.create.topics.enable is true, as Kafka does.
#include <algorithm>

#include "base/clock.h"
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "controller/controller.h"
#include "protocol/generated/messages.h"
#include "storage/partition_dir.h"

namespace gregor::broker::handlers {

namespace {

constexpr int16_t kUnknownTopic = 3, kLeaderNotAvailable = 5, kInvalidTopic = 17, kTopicAlreadyExists = 36,
                  kUnknownTopicId = 100;

// not_leading: this broker's id while its controller session may have lapsed (it names no
// leader on itself then), else -1.
proto::MetadataResponse::MetadataResponseTopic describe_topic(const metadata::Image& image, const metadata::TopicInfo& t,
                                                              int32_t not_leading) {
  proto::MetadataResponse::MetadataResponseTopic out;
  out.name = t.name;
  out.topic_id = t.id;
  out.is_internal = t.internal;
  for (size_t p = 0; p < t.partitions.size(); ++p) {
    const auto& info = t.partitions[p];
    proto::MetadataResponse::MetadataResponsePartition mp;
    mp.partition_index = int32_t(p);
    // A leader the controller has fenced (a restarting broker, say) cannot serve: none for now.
    const auto* leader = image.find_broker(info.leader);
    mp.leader_id = leader && !leader->fenced && info.leader != not_leading ? info.leader : -1;
    mp.leader_epoch = info.leader_epoch;
    mp.replica_nodes = info.replicas;
    mp.isr_nodes = info.isr;
    // Replicas on brokers that are fenced or unknown are offline (Kafka: not alive).
    for (int32_t r : info.replicas) {
      const auto* b = image.find_broker(r);
      if (!b || b->fenced) mp.offline_replicas.push_back(r);
    }
    mp.error_code = mp.leader_id < 0 ? 5 : 0;  // LEADER_NOT_AVAILABLE
    out.partitions.push_back(std::move(mp));
  }
  return out;
}

}  // namespace

asio::awaitable<net::HandlerResult> metadata(RequestContext& ctx) {
  auto req = decode_body<proto::MetadataRequest>(ctx);
  if (!req) co_return close_connection();
  Broker& broker = ctx.broker;
  auto& st = broker.local();

  // Auto-create unknown topics named in the request. Those created (or found created by someone
  // else) that this broker has not applied yet are answered LEADER_NOT_AVAILABLE, as Kafka
  // answers a topic it is auto-creating: clients retry, they do not take it for gone.
  std::vector<std::string> being_created;
  bool allow_auto = ctx.version() < 4 || req->allow_auto_topic_creation;
  if (allow_auto && st.config.get_bool("auto.create.topics.enable") && req->topics) {
    std::vector<controller::CreateTopicSpec> specs;
    bool want_offsets_topic = false;
    for (const auto& t : *req->topics) {
      if (!t.name || st.image->find_topic(*t.name)) continue;
      if (!storage::validate_topic_name(*t.name).ok()) continue;
      // Internal topics are created with their own settings by their coordinators.
      if (metadata::is_internal_topic(*t.name)) {
        want_offsets_topic |= *t.name == "__consumer_offsets";
        continue;
      }
      controller::CreateTopicSpec spec;
      spec.name = *t.name;
      specs.push_back(spec);
    }
    if (!specs.empty()) {
      auto results = co_await broker.create_topics_anywhere(specs);
      for (size_t i = 0; i < results.size() && i < specs.size(); ++i)
        if (results[i].error == 0 || results[i].error == kTopicAlreadyExists) being_created.push_back(specs[i].name);
    }
    if (want_offsets_topic) co_await broker.ensure_offsets_topic();
  }
  const auto& image = *broker.local().image;
  const int32_t not_leading = broker.session_valid(mono_ms()) ? -1 : broker.options().node_id;

  proto::MetadataResponse resp;
  resp.cluster_id = image.cluster_id;
  resp.controller_id = image.controller_id;
  // Brokers as reachable through the listener this client connected to.
  for (const auto& [id, b] : image.brokers) {
    if (b.fenced) continue;  // Kafka lists only brokers the controller has unfenced
    proto::MetadataResponse::MetadataResponseBroker mb;
    mb.node_id = id;
    std::tie(mb.host, mb.port) = broker.endpoint_for(b, ctx.conn.listener_name);
    mb.rack = b.rack;
    resp.brokers.push_back(std::move(mb));
  }
  bool all = !req->topics || (ctx.version() == 0 && req->topics->empty());
  if (all) {
    for (const auto& [name, t] : image.topics) resp.topics.push_back(describe_topic(image, t, not_leading));
  } else {
    for (const auto& rt : *req->topics) {
      const metadata::TopicInfo* t = nullptr;
      if (rt.name) t = image.find_topic(*rt.name);
      else if (!rt.topic_id.is_zero()) t = image.find_topic(rt.topic_id);
      if (t) {
        resp.topics.push_back(describe_topic(image, *t, not_leading));
        continue;
      }
      proto::MetadataResponse::MetadataResponseTopic missing;
      missing.name = rt.name;
      missing.topic_id = rt.topic_id;
      if (!rt.name) missing.error_code = kUnknownTopicId;
      else if (std::find(being_created.begin(), being_created.end(), *rt.name) != being_created.end())
        missing.error_code = kLeaderNotAvailable;
      else missing.error_code = storage::validate_topic_name(*rt.name).ok() ? kUnknownTopic : kInvalidTopic;
      resp.topics.push_back(std::move(missing));
    }
  }
  co_return respond(ctx, resp);
}

}  // namespace gregor::broker::handlers
