// One handler per Kafka API; each decodes its request, does the work (routing partition work to
// owner shards), maps errors to Kafka codes per partition/resource, and encodes the response.
#pragma once

#include <asio/awaitable.hpp>

#include "broker/request_context.h"

namespace gregor::proto { struct FetchRequest; }

namespace gregor::broker::handlers {

asio::awaitable<net::HandlerResult> api_versions(RequestContext& ctx);
asio::awaitable<net::HandlerResult> describe_topic_partitions(RequestContext& ctx);
// features_off.cc: APIs answered as Kafka answers them with the feature off.
asio::awaitable<net::HandlerResult> describe_acls(RequestContext& ctx);
asio::awaitable<net::HandlerResult> create_acls(RequestContext& ctx);
asio::awaitable<net::HandlerResult> delete_acls(RequestContext& ctx);
asio::awaitable<net::HandlerResult> sasl_handshake(RequestContext& ctx);
asio::awaitable<net::HandlerResult> sasl_authenticate(RequestContext& ctx);
asio::awaitable<net::HandlerResult> create_delegation_token(RequestContext& ctx);
asio::awaitable<net::HandlerResult> renew_delegation_token(RequestContext& ctx);
asio::awaitable<net::HandlerResult> expire_delegation_token(RequestContext& ctx);
asio::awaitable<net::HandlerResult> describe_delegation_token(RequestContext& ctx);
asio::awaitable<net::HandlerResult> list_partition_reassignments(RequestContext& ctx);
asio::awaitable<net::HandlerResult> describe_client_quotas(RequestContext& ctx);
asio::awaitable<net::HandlerResult> describe_user_scram_credentials(RequestContext& ctx);
asio::awaitable<net::HandlerResult> metadata(RequestContext& ctx);
asio::awaitable<net::HandlerResult> produce(RequestContext& ctx);
asio::awaitable<net::HandlerResult> fetch(RequestContext& ctx);
asio::awaitable<net::HandlerResult> list_offsets(RequestContext& ctx);
asio::awaitable<net::HandlerResult> create_topics(RequestContext& ctx);
asio::awaitable<net::HandlerResult> delete_topics(RequestContext& ctx);
asio::awaitable<net::HandlerResult> create_partitions(RequestContext& ctx);
asio::awaitable<net::HandlerResult> describe_configs(RequestContext& ctx);
asio::awaitable<net::HandlerResult> alter_configs(RequestContext& ctx);
asio::awaitable<net::HandlerResult> incremental_alter_configs(RequestContext& ctx);
asio::awaitable<net::HandlerResult> describe_cluster(RequestContext& ctx);
asio::awaitable<net::HandlerResult> init_producer_id(RequestContext& ctx);
asio::awaitable<net::HandlerResult> find_coordinator(RequestContext& ctx);
asio::awaitable<net::HandlerResult> join_group(RequestContext& ctx);
asio::awaitable<net::HandlerResult> sync_group(RequestContext& ctx);
asio::awaitable<net::HandlerResult> heartbeat(RequestContext& ctx);
asio::awaitable<net::HandlerResult> leave_group(RequestContext& ctx);
asio::awaitable<net::HandlerResult> offset_commit(RequestContext& ctx);
asio::awaitable<net::HandlerResult> offset_fetch(RequestContext& ctx);
asio::awaitable<net::HandlerResult> describe_groups(RequestContext& ctx);
asio::awaitable<net::HandlerResult> list_groups(RequestContext& ctx);
asio::awaitable<net::HandlerResult> delete_groups(RequestContext& ctx);
asio::awaitable<net::HandlerResult> offset_delete(RequestContext& ctx);
asio::awaitable<net::HandlerResult> delete_records(RequestContext& ctx);
asio::awaitable<net::HandlerResult> describe_log_dirs(RequestContext& ctx);
asio::awaitable<net::HandlerResult> vote(RequestContext& ctx);
asio::awaitable<net::HandlerResult> begin_quorum_epoch(RequestContext& ctx);
asio::awaitable<net::HandlerResult> end_quorum_epoch(RequestContext& ctx);
asio::awaitable<net::HandlerResult> fetch_snapshot(RequestContext& ctx);
asio::awaitable<net::HandlerResult> describe_quorum(RequestContext& ctx);
asio::awaitable<net::HandlerResult> broker_registration(RequestContext& ctx);
asio::awaitable<net::HandlerResult> broker_heartbeat(RequestContext& ctx);
asio::awaitable<net::HandlerResult> elect_leaders(RequestContext& ctx);
asio::awaitable<net::HandlerResult> alter_partition(RequestContext& ctx);
asio::awaitable<net::HandlerResult> offset_for_leader_epoch(RequestContext& ctx);
asio::awaitable<net::HandlerResult> add_partitions_to_txn(RequestContext& ctx);
asio::awaitable<net::HandlerResult> add_offsets_to_txn(RequestContext& ctx);
asio::awaitable<net::HandlerResult> end_txn(RequestContext& ctx);
asio::awaitable<net::HandlerResult> write_txn_markers(RequestContext& ctx);
asio::awaitable<net::HandlerResult> txn_offset_commit(RequestContext& ctx);
asio::awaitable<net::HandlerResult> describe_transactions(RequestContext& ctx);
asio::awaitable<net::HandlerResult> list_transactions(RequestContext& ctx);
asio::awaitable<net::HandlerResult> describe_producers(RequestContext& ctx);
asio::awaitable<net::HandlerResult> allocate_producer_ids(RequestContext& ctx);
// Fetch of __cluster_metadata-0 (from fetch.cc): answered by the quorum.
asio::awaitable<net::HandlerResult> raft_fetch(RequestContext& ctx, const proto::FetchRequest& req);

}  // namespace gregor::broker::handlers
