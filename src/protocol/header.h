// Request and response headers, and the helpers that pick their versions.
// Request header v1: api_key int16, api_version int16, correlation_id int32, client_id
// (nullable string with an int16 length, in every header version); v2 adds a tagged-field
// section. Response header v0: correlation_id; v1 adds a tagged-field section. Flexible API
// versions use request header v2 / response header v1, except that ApiVersions responses
// always use response header v0 (a client must be able to read them whatever it sent).
// Thread-safety: plain functions and value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/reader.h"
#include "protocol/writer.h"

namespace gregor::proto {

inline constexpr int16_t kApiVersionsKey = 18;

struct RequestHeader {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;

  // REQUIRES: header_version is 1 or 2.
  void encode(Writer& w, int16_t header_version) const;
  bool decode(Reader& r, int16_t header_version);
  bool operator==(const RequestHeader&) const = default;
};

// The request header version for an API version (2 if flexible, else 1); versions above the
// supported maximum count as flexible when the API has flexible versions (Kafka does the same,
// so newer ApiVersions requests can be read). -1 if the API key has no schema here.
int16_t request_header_version(int16_t api_key, int16_t api_version);
// The response header version (1 if flexible, else 0; always 0 for ApiVersions).
// -1 if the API key has no schema here.
int16_t response_header_version(int16_t api_key, int16_t api_version);

// Decodes a request header, choosing v1/v2 from its api key and version. False on malformed
// input or an unknown api key (then r.error() says which; header.api_key is set if it was read).
bool decode_request_header(Reader& r, RequestHeader& header);

void encode_response_header(Writer& w, int32_t correlation_id, int16_t header_version);
bool decode_response_header(Reader& r, int16_t header_version, int32_t& correlation_id);

}  // namespace gregor::proto
