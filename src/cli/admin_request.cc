#include "cli/admin_request.h"

namespace gregor::cli {

Result<AdminOptionsHandle> admin_options(rd_kafka_t* rk, rd_kafka_admin_op_t op, int timeout_ms) {
  AdminOptionsHandle options(rd_kafka_AdminOptions_new(rk, op));
  char errstr[256];
  if (rd_kafka_AdminOptions_set_request_timeout(options.get(), timeout_ms, errstr, sizeof errstr) != 0) {
    return make_error(0, std::string("invalid timeout: ") + errstr);
  }
  if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS ||
      op == RD_KAFKA_ADMIN_OP_CREATEPARTITIONS) {
    if (rd_kafka_AdminOptions_set_operation_timeout(options.get(), timeout_ms, errstr, sizeof errstr) != 0) {
      return make_error(0, std::string("invalid timeout: ") + errstr);
    }
  }
  return options;
}

Result<EventHandle> await_admin_result(rd_kafka_queue_t* q, int timeout_ms, const std::string& what) {
  EventHandle ev(rd_kafka_queue_poll(q, timeout_ms + 2000));
  if (!ev) return kafka_error(what, RD_KAFKA_RESP_ERR__TIMED_OUT);
  if (rd_kafka_resp_err_t err = rd_kafka_event_error(ev.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* msg = rd_kafka_event_error_string(ev.get());
    return kafka_error(what, err, msg ? msg : "");
  }
  return ev;
}

}  // namespace gregor::cli
