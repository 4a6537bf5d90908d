// librdkafka plumbing for the client-side commands: owning handles for the C objects, a
// configuration builder that applies --bootstrap-server and repeated k=v properties, and the
// one place librdkafka errors are turned into text ("NAME: message").
// Thread-safety: handles are owned by one command thread; librdkafka itself is thread-safe.
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "cli/command_support.h"

namespace gregor::cli {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
struct ClientDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
struct EventDeleter {
  void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* m) const { rd_kafka_metadata_destroy(m); }
};
struct TopicHandleDeleter {
  void operator()(rd_kafka_topic_t* t) const { rd_kafka_topic_destroy(t); }
};

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};
struct HeadersDeleter {
  void operator()(rd_kafka_headers_t* h) const { rd_kafka_headers_destroy(h); }
};

using ConfHandle = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
using ClientHandle = std::unique_ptr<rd_kafka_t, ClientDeleter>;
using QueueHandle = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;
using EventHandle = std::unique_ptr<rd_kafka_event_t, EventDeleter>;
using MetadataHandle = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;
using TopicHandle = std::unique_ptr<rd_kafka_topic_t, TopicHandleDeleter>;
using PartitionListHandle = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;
using HeadersHandle = std::unique_ptr<rd_kafka_headers_t, HeadersDeleter>;

// "NAME: message", e.g. "TOPIC_ALREADY_EXISTS: Topic 'a' already exists.". If message is empty,
// librdkafka's description of the code is used instead.
std::string describe_kafka_error(rd_kafka_resp_err_t err, std::string_view message = {});

// An Error carrying err (as its code) and "<what>: NAME: message".
Error kafka_error(std::string_view what, rd_kafka_resp_err_t err, std::string_view message = {});

// Whether any of the bootstrap servers (host:port,...) accepts a TCP connection within
// budget_ms each; the error lists each address and why it failed.
Status check_reachable(const std::string& bootstrap_servers, int budget_ms);

// A configuration with bootstrap.servers set (after check_reachable, unless the properties ask
// for librdkafka's mock cluster), librdkafka's log lines routed to stderr as
// "gregor: librdkafka: ...", then each property applied in order (later ones win, so a user's
// --producer-prop can override what a command set before).
Result<ConfHandle> make_conf(const std::string& bootstrap_servers, const std::vector<KeyValue>& properties);

// Sets one property; the error names the property and librdkafka's reason.
Status set_conf(rd_kafka_conf_t* conf, const std::string& key, const std::string& value);

// The same for a librdkafka error object (which may be null: then "no error").
Error kafka_error(std::string_view what, const rd_kafka_error_t* error);

// Creates a client of the given type. Takes ownership of conf (also on failure).
Result<ClientHandle> make_client(rd_kafka_type_t type, ConfHandle conf);
// make_conf then make_client, for callers that set nothing else on the configuration.
Result<ClientHandle> make_client(rd_kafka_type_t type, const std::string& bootstrap_servers,
                                 const std::vector<KeyValue>& properties);

// Metadata for every topic in the cluster (never names a topic, so it cannot auto-create one).
Result<MetadataHandle> fetch_all_metadata(rd_kafka_t* rk, int timeout_ms);

}  // namespace gregor::cli
