// fuzz_request: the input is one Kafka request frame without its 4-byte size prefix, as the
// connection layer hands it to dispatch. Decodes the request header, then the body with the
// generated request type for that api key and version (every generated API). Whatever decodes
// must survive encode -> decode unchanged, and its encoding must be canonical (re-encoding the
// re-decoded message gives the same bytes); a mismatch aborts.
#include <cstddef>
#include <cstdint>

#include "fuzz_common.h"
#include "protocol/generated/messages.h"
#include "protocol/header.h"

namespace gregor::proto {
namespace {

Bytes encode_to_bytes(const auto& m, int16_t version) {
  Writer w;
  m.encode(w, version);
  auto bytes = flatten(w.finish());
  FUZZ_CHECK(bytes.ok());
  return std::move(*bytes);
}

template <class M>
void check_body(Reader& r, int16_t version) {
  if (version < M::kMinVersion || version > M::kMaxVersion) return;  // UNSUPPORTED_VERSION, no body decode
  M first;
  if (!first.decode(r, version)) {
    FUZZ_CHECK(!r.ok());
    return;
  }
  Bytes encoded = encode_to_bytes(first, version);
  Reader r2{SharedSlice(encoded)};
  M second;
  FUZZ_CHECK(second.decode(r2, version));
  FUZZ_CHECK(r2.at_end());
  FUZZ_CHECK(second == first);
  FUZZ_CHECK(encode_to_bytes(second, version) == encoded);
}

void check_header(const RequestHeader& h) {
  const int16_t hv = request_header_version(h.api_key, h.api_version);
  FUZZ_CHECK(hv == 1 || hv == 2);
  Writer w;
  h.encode(w, hv);
  auto bytes = flatten(w.finish());
  FUZZ_CHECK(bytes.ok());
  Reader r{SharedSlice(std::move(*bytes))};
  RequestHeader again;
  FUZZ_CHECK(decode_request_header(r, again));
  FUZZ_CHECK(r.at_end());
  FUZZ_CHECK(again == h);
}

}  // namespace
}  // namespace gregor::proto

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  gregor::fuzz::quiet_logs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gregor;
  using namespace gregor::proto;
  // An exact-size allocation, so ASan catches any read past the frame.
  Reader r{SharedSlice(Bytes(data, data + size))};
  RequestHeader header;
  if (!decode_request_header(r, header)) {
    FUZZ_CHECK(!r.ok());
    return 0;
  }
  check_header(header);
  switch (header.api_key) {
#define GREGOR_FUZZ_API(Api)                                \
  case Api##Request::kApiKey:                               \
    check_body<Api##Request>(r, header.api_version);        \
    break;
    GREGOR_PROTO_FOR_EACH_API(GREGOR_FUZZ_API)
#undef GREGOR_FUZZ_API
    default:
      // decode_request_header rejects keys without a schema, and every schema is in the X-macro.
      FUZZ_CHECK(false);
  }
  return 0;
}
