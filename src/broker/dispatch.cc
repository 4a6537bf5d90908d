#include "broker/dispatch.h"

#include <algorithm>
#include <array>

#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "protocol/api_table.h"
#include "protocol/generated/messages.h"

namespace gregor::broker {

namespace {

template <class Req>
ServedApi api(HandlerFn fn, int16_t advertised_min = Req::kMinVersion, int16_t max = Req::kMaxVersion) {
  const proto::ApiInfo* info = proto::find_api(Req::kApiKey);
  return ServedApi{Req::kApiKey, Req::kMinVersion, max, advertised_min, fn, info ? info->listeners : proto::kOnBroker};
}

const std::array kServed = {
    api<proto::ProduceRequest>(handlers::produce, 0),
    api<proto::FetchRequest>(handlers::fetch),
    api<proto::ListOffsetsRequest>(handlers::list_offsets),
    api<proto::MetadataRequest>(handlers::metadata),
    api<proto::FindCoordinatorRequest>(handlers::find_coordinator),
    api<proto::ApiVersionsRequest>(handlers::api_versions),
    api<proto::CreateTopicsRequest>(handlers::create_topics),
    api<proto::DeleteTopicsRequest>(handlers::delete_topics),
    api<proto::InitProducerIdRequest>(handlers::init_producer_id, 0, 5),
    api<proto::DescribeConfigsRequest>(handlers::describe_configs),
    api<proto::AlterConfigsRequest>(handlers::alter_configs),
    api<proto::CreatePartitionsRequest>(handlers::create_partitions),
    api<proto::IncrementalAlterConfigsRequest>(handlers::incremental_alter_configs),
    api<proto::DescribeClusterRequest>(handlers::describe_cluster),
    api<proto::OffsetCommitRequest>(handlers::offset_commit),
    api<proto::OffsetFetchRequest>(handlers::offset_fetch),
    api<proto::JoinGroupRequest>(handlers::join_group),
    api<proto::HeartbeatRequest>(handlers::heartbeat),
    api<proto::LeaveGroupRequest>(handlers::leave_group),
    api<proto::SyncGroupRequest>(handlers::sync_group),
    api<proto::DescribeGroupsRequest>(handlers::describe_groups),
    api<proto::ListGroupsRequest>(handlers::list_groups),
    api<proto::DeleteGroupsRequest>(handlers::delete_groups),
    api<proto::OffsetDeleteRequest>(handlers::offset_delete),
    api<proto::DeleteRecordsRequest>(handlers::delete_records),
    api<proto::DescribeLogDirsRequest>(handlers::describe_log_dirs),
    api<proto::VoteRequest>(handlers::vote),
    api<proto::BeginQuorumEpochRequest>(handlers::begin_quorum_epoch),
    api<proto::EndQuorumEpochRequest>(handlers::end_quorum_epoch),
    api<proto::DescribeQuorumRequest>(handlers::describe_quorum),
    api<proto::FetchSnapshotRequest>(handlers::fetch_snapshot),
    api<proto::BrokerRegistrationRequest>(handlers::broker_registration),
    api<proto::BrokerHeartbeatRequest>(handlers::broker_heartbeat),
    api<proto::ElectLeadersRequest>(handlers::elect_leaders),
    api<proto::AlterPartitionRequest>(handlers::alter_partition),
    api<proto::OffsetForLeaderEpochRequest>(handlers::offset_for_leader_epoch),
    api<proto::AddPartitionsToTxnRequest>(handlers::add_partitions_to_txn, 0, 3),
    api<proto::AddOffsetsToTxnRequest>(handlers::add_offsets_to_txn, 0, 3),
    api<proto::EndTxnRequest>(handlers::end_txn, 0, 4),
    api<proto::WriteTxnMarkersRequest>(handlers::write_txn_markers),
    api<proto::TxnOffsetCommitRequest>(handlers::txn_offset_commit, 0, 3),
    api<proto::DescribeTransactionsRequest>(handlers::describe_transactions),
    api<proto::ListTransactionsRequest>(handlers::list_transactions),
    api<proto::DescribeProducersRequest>(handlers::describe_producers),
    api<proto::AllocateProducerIdsRequest>(handlers::allocate_producer_ids),
    api<proto::DescribeTopicPartitionsRequest>(handlers::describe_topic_partitions),
    api<proto::DescribeAclsRequest>(handlers::describe_acls),
    api<proto::CreateAclsRequest>(handlers::create_acls),
    api<proto::DeleteAclsRequest>(handlers::delete_acls),
    api<proto::SaslHandshakeRequest>(handlers::sasl_handshake),
    api<proto::SaslAuthenticateRequest>(handlers::sasl_authenticate),
    api<proto::CreateDelegationTokenRequest>(handlers::create_delegation_token),
    api<proto::RenewDelegationTokenRequest>(handlers::renew_delegation_token),
    api<proto::ExpireDelegationTokenRequest>(handlers::expire_delegation_token),
    api<proto::DescribeDelegationTokenRequest>(handlers::describe_delegation_token),
    api<proto::ListPartitionReassignmentsRequest>(handlers::list_partition_reassignments),
    api<proto::DescribeClientQuotasRequest>(handlers::describe_client_quotas),
    api<proto::DescribeUserScramCredentialsRequest>(handlers::describe_user_scram_credentials),
};

}  // namespace

std::span<const ServedApi> served_apis() { return kServed; }

uint8_t listener_kind(const Broker& broker, const net::ConnectionInfo& info) {
  const auto& names = broker.options().controller_listeners;
  return std::find(names.begin(), names.end(), info.listener_name) != names.end() ? proto::kOnController
                                                                                  : proto::kOnBroker;
}

const ServedApi* find_served(int16_t key) {
  for (const auto& a : kServed)
    if (a.key == key) return &a;
  return nullptr;
}

// Requests only the active controller may decide; other nodes forward them unchanged.
static bool is_controller_api(int16_t key) {
  switch (key) {
    case proto::CreateTopicsRequest::kApiKey:
    case proto::DeleteTopicsRequest::kApiKey:
    case proto::CreatePartitionsRequest::kApiKey:
    case proto::AlterConfigsRequest::kApiKey:
    case proto::IncrementalAlterConfigsRequest::kApiKey:
    case proto::DescribeQuorumRequest::kApiKey:
    case proto::ElectLeadersRequest::kApiKey:
      return true;
    default:
      return false;
  }
}

asio::awaitable<net::HandlerResult> dispatch(Broker& broker, SharedSlice frame, const net::ConnectionInfo& info) {
  SharedSlice original = frame;
  proto::Reader reader(std::move(frame));
  proto::RequestHeader header;
  if (!proto::decode_request_header(reader, header)) {
    GLOG_WARN("closing connection from {}: cannot decode request header (api key {}, version {}): {}", info.peer,
              header.api_key, header.api_version, reader.error());
    co_return close_connection();
  }
  RequestContext ctx{broker, info, header, reader};
  const ServedApi* served = find_served(header.api_key);
  if (!served) {
    GLOG_WARN("closing connection from {}: unsupported API key {}", info.peer, header.api_key);
    co_return close_connection();
  }
  if (!(served->listeners & listener_kind(broker, info))) {
    // Kafka: "Received request api key N ... which is not enabled" (the connection closes).
    GLOG_WARN("closing connection from {}: API key {} is not served on the {} listener {}", info.peer,
              header.api_key, listener_kind(broker, info) == proto::kOnController ? "controller" : "broker",
              info.listener_name);
    co_return close_connection();
  }
  if (header.api_version < served->min_version || header.api_version > served->max_version) {
    if (header.api_key == proto::ApiVersionsRequest::kApiKey) {
      // Kafka answers with UNSUPPORTED_VERSION and the version-0 body listing what it serves.
      proto::ApiVersionsResponse resp;
      resp.error_code = 35;
      for (const auto& a : served_apis()) {
        if (!(a.listeners & listener_kind(broker, info))) continue;
        proto::ApiVersionsResponse::ApiVersion v;
        v.api_key = a.key;
        v.min_version = a.advertised_min;
        v.max_version = a.max_version;
        resp.api_keys.push_back(v);
      }
      proto::Writer w;
      proto::encode_response_header(w, header.correlation_id, 0);
      resp.encode(w, 0);
      co_return net::HandlerResult{net::HandlerResult::Kind::kRespond, w.finish()};
    }
    GLOG_WARN("closing connection from {}: unsupported version {} of API key {} (serving {}..{})", info.peer,
              header.api_version, header.api_key, served->min_version, served->max_version);
    co_return close_connection();
  }
  if (is_controller_api(header.api_key) && broker.has_quorum() && !broker.is_active_controller()) {
    auto forwarded = co_await broker.forward_to_controller(original, header.correlation_id);
    if (forwarded) co_return std::move(*forwarded);
    GLOG_WARN("closing connection from {}: no active controller to forward API key {} to (leader {})", info.peer,
              header.api_key, broker.quorum_leader());
    co_return close_connection();
  }
  co_return co_await served->handler(ctx);
}

}  // namespace gregor::broker
