// Whole frames: an int32 size, then the header, then the message body. Encoding returns
// io::OutChunks (records parts stay separate chunks for writev/sendfile).
// Thread-safety: plain functions.
#pragma once

#include <cstdint>

#include "io/file.h"
#include "protocol/header.h"
#include "protocol/writer.h"

namespace gregor::proto {

// Response header version for message type M at `version` (ApiVersions always v0).
template <class M>
constexpr int16_t response_header_version_of(int16_t version) {
  return M::kApiKey != kApiVersionsKey && version >= M::kFlexibleMin ? 1 : 0;
}

// REQUIRES: Response is a generated *Response type and api_version is in its range.
template <class Response>
io::OutChunks encode_response_frame(int32_t correlation_id, int16_t api_version, const Response& body) {
  Writer w;
  w.int32(0);
  encode_response_header(w, correlation_id, response_header_version_of<Response>(api_version));
  body.encode(w, api_version);
  w.patch_int32(0, int32_t(w.size() - 4));
  return w.finish();
}

// For outgoing requests (follower fetch, broker-to-controller). header.api_key and
// header.api_version should match Request; header v2 is used for flexible versions.
template <class Request>
io::OutChunks encode_request_frame(const RequestHeader& header, const Request& body) {
  Writer w;
  w.int32(0);
  header.encode(w, header.api_version >= Request::kFlexibleMin ? 2 : 1);
  body.encode(w, header.api_version);
  w.patch_int32(0, int32_t(w.size() - 4));
  return w.finish();
}

}  // namespace gregor::proto
