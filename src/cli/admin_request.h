// The two steps every librdkafka Admin API call shares: options carrying the command's
// timeout, and waiting for the one result event on a private queue with the request-level
// error already checked. Per-resource errors stay in the event for the caller to read.
// Thread-safety: one request per queue, on the command thread.
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "cli/kafka_client.h"

namespace gregor::cli {

struct AdminOptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
};
using AdminOptionsHandle = std::unique_ptr<rd_kafka_AdminOptions_t, AdminOptionsDeleter>;

// Options for one admin request of kind op: the request gets timeout_ms and, for operations
// the controller completes (topic creation/deletion, partition creation), so does the
// operation.
Result<AdminOptionsHandle> admin_options(rd_kafka_t* rk, rd_kafka_admin_op_t op, int timeout_ms);

// Waits for the admin result on q. librdkafka times the request out itself after timeout_ms;
// the grace period only guards against a result that never arrives. what prefixes errors.
Result<EventHandle> await_admin_result(rd_kafka_queue_t* q, int timeout_ms, const std::string& what);

}  // namespace gregor::cli
