// wire_call: one Kafka request over a plain blocking TCP connection, for the admin requests
// librdkafka 2.0 cannot send (DescribeQuorum, and Metadata with every partition field). Tries
// each bootstrap address ("host:port,...") in turn until one answers. The whole call is bounded
// by timeout_ms (connect, send and receive); a response that does not decode is an error.
// Thread-safety: a function; each call uses its own socket.
#pragma once

#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "protocol/header.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace gregor::cli {

// Sends header + body bytes and returns the response after its correlation id.
Result<Bytes> wire_exchange(const std::string& bootstrap, const Bytes& request, int timeout_ms);

template <class Resp, class Req>
Result<Resp> wire_call(const std::string& bootstrap, const Req& request, int16_t version, int timeout_ms) {
  proto::Writer w;
  proto::RequestHeader header{Req::kApiKey, version, 1, std::string("gregor-cli")};
  header.encode(w, proto::request_header_version(Req::kApiKey, version));
  request.encode(w, version);
  auto frame = proto::flatten(w.finish());
  if (!frame.ok()) return frame.error();
  auto raw = wire_exchange(bootstrap, *frame, timeout_ms);
  if (!raw.ok()) return raw.error();
  proto::Reader r(std::move(*raw));
  if (proto::response_header_version(Req::kApiKey, version) >= 1) r.skip_tagged_fields();
  Resp resp;
  if (!r.ok() || !resp.decode(r, version))
    return make_error(2, "cannot decode the response to API " + std::to_string(Req::kApiKey) + ": " + r.error());
  return resp;
}

}  // namespace gregor::cli
