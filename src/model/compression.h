// Compression codecs of Kafka record batches (attributes bits 0-2), in the framing Kafka
// clients use inside a batch: gzip stream, snappy (raw, or the xerial framing the Java client
// writes), LZ4 frame, zstd frame.
// Decompression always takes an output cap and fails rather than grow past it, so a small
// hostile batch cannot make the broker allocate without bound.
// Thread-safety: pure functions; callable from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace gregor::model {

enum class Compression : uint8_t { none = 0, gzip = 1, snappy = 2, lz4 = 3, zstd = 4 };

inline constexpr size_t kDefaultDecompressCap = size_t(64) << 20;  // 64 MiB

// "none", "gzip", "snappy", "lz4", "zstd" (Kafka's compression.type names).
std::string_view compression_name(Compression c);
std::optional<Compression> compression_from_name(std::string_view name);
// The codec for attributes bits 0-2; nullopt for 5-7 (UNSUPPORTED_COMPRESSION_TYPE).
std::optional<Compression> compression_from_id(int id);

// Compresses data as a Kafka client would inside a batch. Snappy uses the xerial framing,
// as the Java client does; LZ4 a standard frame with independent 64 KiB blocks.
Result<Bytes> compress(Compression codec, ByteView data);

// Decompresses data. Errors: CORRUPT_MESSAGE for malformed input or output beyond max_out.
// Snappy accepts both raw snappy and the xerial framing.
Result<Bytes> decompress(Compression codec, ByteView data, size_t max_out = kDefaultDecompressCap);

}  // namespace gregor::model
