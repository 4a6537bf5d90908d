#include "cli/kafka_client.h"

namespace gregor::cli {
namespace {

// librdkafka logs what its log_level property lets through (default: info and worse, which
// in practice means connection failures and the like); each line goes to stderr as is.
void log_to_stderr(const rd_kafka_t*, int /*level*/, const char* facility, const char* message) {
  std::string line = "librdkafka: ";
  line += facility;
  line += ": ";
  line += message;
  print_error(line);
}

}  // namespace

std::string describe_kafka_error(rd_kafka_resp_err_t err, std::string_view message) {
  std::string out = rd_kafka_err2name(err);
  out += ": ";
  if (message.empty()) {
    out += rd_kafka_err2str(err);
  } else {
    out += message;
  }
  return out;
}

Error kafka_error(std::string_view what, rd_kafka_resp_err_t err, std::string_view message) {
  std::string text(what);
  text += ": ";
  text += describe_kafka_error(err, message);
  return make_error(static_cast<int16_t>(err), std::move(text));
}

Error kafka_error(std::string_view what, const rd_kafka_error_t* error) {
  if (error == nullptr) return kafka_error(what, RD_KAFKA_RESP_ERR_NO_ERROR);
  const char* msg = rd_kafka_error_string(error);
  return kafka_error(what, rd_kafka_error_code(error), msg ? msg : "");
}

Status set_conf(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    return make_error(0, "invalid client property " + key + "=" + value + ": " + errstr);
  }
  return Status::OK();
}

Result<ConfHandle> make_conf(const std::string& bootstrap_servers, const std::vector<KeyValue>& properties) {
  ConfHandle conf(rd_kafka_conf_new());
  rd_kafka_conf_set_log_cb(conf.get(), log_to_stderr);
  if (auto s = set_conf(conf.get(), "bootstrap.servers", bootstrap_servers); !s) return s.error();
  for (const auto& [key, value] : properties) {
    if (auto s = set_conf(conf.get(), key, value); !s) return s.error();
  }
  return conf;
}

Result<ClientHandle> make_client(rd_kafka_type_t type, ConfHandle conf) {
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr, sizeof errstr);
  if (rk == nullptr) return make_error(0, std::string("cannot create Kafka client: ") + errstr);
  conf.release();  // rd_kafka_new took ownership.
  return ClientHandle(rk);
}

Result<ClientHandle> make_client(rd_kafka_type_t type, const std::string& bootstrap_servers,
                                 const std::vector<KeyValue>& properties) {
  auto conf = make_conf(bootstrap_servers, properties);
  if (!conf) return conf.error();
  return make_client(type, std::move(conf.value()));
}

Result<MetadataHandle> fetch_all_metadata(rd_kafka_t* rk, int timeout_ms) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, /*all_topics=*/1, nullptr, &md, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return kafka_error("cannot fetch metadata", err);
  return MetadataHandle(md);
}

}  // namespace gregor::cli
