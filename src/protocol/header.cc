#include "protocol/header.h"

#include <string>

#include "base/assert.h"
#include "protocol/api_table.h"

namespace gregor::proto {

void RequestHeader::encode(Writer& w, int16_t header_version) const {
  GREGOR_ASSERT(header_version == 1 || header_version == 2);
  w.int16(api_key);
  w.int16(api_version);
  w.int32(correlation_id);
  w.nullable_string(client_id, false);
  if (header_version >= 2) w.uvarint(0);
}

bool RequestHeader::decode(Reader& r, int16_t header_version) {
  api_key = r.int16();
  api_version = r.int16();
  correlation_id = r.int32();
  client_id = r.nullable_string(false);
  if (header_version >= 2) r.skip_tagged_fields();
  return r.ok();
}

int16_t request_header_version(int16_t api_key, int16_t api_version) {
  const ApiInfo* api = find_api(api_key);
  if (!api) return -1;
  return api_version >= api->flexible_min ? 2 : 1;
}

int16_t response_header_version(int16_t api_key, int16_t api_version) {
  const ApiInfo* api = find_api(api_key);
  if (!api) return -1;
  if (api_key == kApiVersionsKey) return 0;
  return api_version >= api->flexible_min ? 1 : 0;
}

bool decode_request_header(Reader& r, RequestHeader& header) {
  header = RequestHeader{};
  if (r.remaining() < 4) {
    r.fail("truncated request header");
    return false;
  }
  // Peek at the key and version (on a copy) to pick the header version.
  Reader probe = r;
  const int16_t key = probe.int16();
  const int16_t version = probe.int16();
  const int16_t hv = request_header_version(key, version);
  if (hv < 0) {
    header.api_key = key;
    header.api_version = version;
    r.fail("unknown api key " + std::to_string(key));
    return false;
  }
  return header.decode(r, hv);
}

void encode_response_header(Writer& w, int32_t correlation_id, int16_t header_version) {
  w.int32(correlation_id);
  if (header_version >= 1) w.uvarint(0);
}

bool decode_response_header(Reader& r, int16_t header_version, int32_t& correlation_id) {
  correlation_id = r.int32();
  if (header_version >= 1) r.skip_tagged_fields();
  return r.ok();
}

}  // namespace gregor::proto
