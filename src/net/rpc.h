// rpc: a typed request/response call over a net::Client. Encodes the request header (version
// chosen from the API's flexible versions) and body with the generated codec, and decodes the
// response header and body; a response that does not decode is CORRUPT_MESSAGE (2).
// Generic over the generated message types: nothing here names a particular API.
// Thread-safety: as Client (the caller's shard only).
#pragma once

#include <asio/awaitable.hpp>

#include <string>

#include "base/result.h"
#include "net/client.h"
#include "protocol/header.h"
#include "protocol/reader.h"
#include "protocol/writer.h"

namespace gregor::net {

template <class Resp, class Req>
asio::awaitable<Result<Resp>> rpc(Client& client, const Req& request, int16_t version, const std::string& client_id,
                                  int32_t timeout_ms) {
  proto::Writer w;
  proto::RequestHeader header{Req::kApiKey, version, 0, client_id};
  header.encode(w, proto::request_header_version(Req::kApiKey, version));
  request.encode(w, version);
  auto frame = proto::flatten(w.finish());
  if (!frame.ok()) co_return frame.error();
  auto raw = co_await client.call(std::move(*frame), timeout_ms);
  if (!raw.ok()) co_return raw.error();
  // The client consumed the correlation id; a flexible response header has tagged fields left.
  proto::Reader r(std::move(*raw));
  if (proto::response_header_version(Req::kApiKey, version) >= 1) r.skip_tagged_fields();
  Resp resp;
  if (!r.ok() || !resp.decode(r, version))
    co_return make_error(2, "cannot decode response to api " + std::to_string(Req::kApiKey) + ": " + r.error());
  co_return resp;
}

}  // namespace gregor::net
