#include "model/compression.h"

#include <lz4frame.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <memory>
#include <string>

#include "model/error_code.h"

namespace gregor::model {
namespace {

constexpr size_t kChunk = 64 * 1024;

Error corrupt(std::string what) { return make_error(ErrorCode::CORRUPT_MESSAGE, std::move(what)); }
Error over_cap(std::string_view codec, size_t cap) {
  return corrupt(std::string(codec) + " output exceeds the decompression cap of " + std::to_string(cap) + " bytes");
}

// Grows out by one chunk without passing cap + 1 bytes (one byte past the cap proves overflow).
// Returns false if out is already at cap + 1.
bool grow(Bytes& out, size_t cap) {
  size_t limit = cap + 1;
  if (out.size() >= limit) return false;
  out.resize(std::min(limit, out.size() + std::max(kChunk, out.size() / 2)));
  return true;
}

// ---- gzip ----
Result<Bytes> gzip_compress(ByteView in) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return make_error(ErrorCode::UNKNOWN_SERVER_ERROR, "deflateInit2 failed");
  Bytes out(deflateBound(&zs, uLong(in.size())) + 32);
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = uInt(in.size());
  zs.next_out = out.data();
  zs.avail_out = uInt(out.size());
  int rc = deflate(&zs, Z_FINISH);
  size_t n = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return make_error(ErrorCode::UNKNOWN_SERVER_ERROR, "deflate failed");
  out.resize(n);
  return out;
}

Result<Bytes> gzip_decompress(ByteView in, size_t cap) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return make_error(ErrorCode::UNKNOWN_SERVER_ERROR, "inflateInit2 failed");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
  Bytes out;
  size_t produced = 0;
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = uInt(in.size());
  for (;;) {
    if (produced == out.size() && !grow(out, cap)) return over_cap("gzip", cap);
    zs.next_out = out.data() + produced;
    zs.avail_out = uInt(out.size() - produced);
    int rc = inflate(&zs, Z_NO_FLUSH);
    produced = out.size() - zs.avail_out;
    if (produced > cap) return over_cap("gzip", cap);
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      if (inflateReset(&zs) != Z_OK) return corrupt("gzip: bad trailing member");  // concatenated members
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) return corrupt("gzip: truncated stream");
    if (rc != Z_OK && rc != Z_BUF_ERROR) return corrupt(std::string("gzip: ") + (zs.msg ? zs.msg : "inflate failed"));
  }
  out.resize(produced);
  return out;
}

// ---- snappy ----
constexpr uint8_t kXerialMagic[8] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr size_t kXerialHeader = 16;       // magic, version int32, compatible version int32
constexpr size_t kXerialBlock = 32 * 1024;  // the Java client's block size

Status snappy_raw_append(const uint8_t* p, size_t n, Bytes& out, size_t cap) {
  size_t len = 0;
  if (snappy_uncompressed_length(reinterpret_cast<const char*>(p), n, &len) != SNAPPY_OK)
    return corrupt("snappy: bad length header");
  if (len > cap - out.size()) return over_cap("snappy", cap);
  size_t at = out.size();
  out.resize(at + len);
  size_t got = len;
  if (snappy_uncompress(reinterpret_cast<const char*>(p), n, reinterpret_cast<char*>(out.data() + at), &got) !=
          SNAPPY_OK ||
      got != len)
    return corrupt("snappy: corrupt block");
  return Status::OK();
}

Result<Bytes> snappy_compress_xerial(ByteView in) {
  Bytes out(kXerialMagic, kXerialMagic + 8);
  append_be32(out, 1);
  append_be32(out, 1);
  size_t pos = 0;
  do {
    size_t n = std::min(kXerialBlock, in.size() - pos);
    size_t max = snappy_max_compressed_length(n);
    size_t at = out.size();
    out.resize(at + 4 + max);
    size_t clen = max;
    if (snappy_compress(reinterpret_cast<const char*>(in.data() + pos), n, reinterpret_cast<char*>(out.data() + at + 4),
                        &clen) != SNAPPY_OK)
      return make_error(ErrorCode::UNKNOWN_SERVER_ERROR, "snappy_compress failed");
    store_be32(out.data() + at, uint32_t(clen));
    out.resize(at + 4 + clen);
    pos += n;
  } while (pos < in.size());
  return out;
}

Result<Bytes> snappy_decompress(ByteView in, size_t cap) {
  Bytes out;
  if (in.size() >= kXerialHeader && std::memcmp(in.data(), kXerialMagic, 8) == 0) {
    size_t pos = kXerialHeader;
    while (pos < in.size()) {
      if (in.size() - pos < 4) return corrupt("snappy: truncated xerial block length");
      uint32_t n = load_be32(in.data() + pos);
      pos += 4;
      if (n > in.size() - pos) return corrupt("snappy: truncated xerial block");
      if (auto s = snappy_raw_append(in.data() + pos, n, out, cap); !s.ok()) return s.error();
      pos += n;
    }
    return out;
  }
  if (auto s = snappy_raw_append(in.data(), in.size(), out, cap); !s.ok()) return s.error();
  return out;
}

// ---- lz4 ----
Result<Bytes> lz4_compress(ByteView in) {
  LZ4F_preferences_t prefs;
  std::memset(&prefs, 0, sizeof prefs);
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  Bytes out(LZ4F_compressFrameBound(in.size(), &prefs));
  size_t n = LZ4F_compressFrame(out.data(), out.size(), in.data(), in.size(), &prefs);
  if (LZ4F_isError(n)) return make_error(ErrorCode::UNKNOWN_SERVER_ERROR, LZ4F_getErrorName(n));
  out.resize(n);
  return out;
}

Result<Bytes> lz4_decompress(ByteView in, size_t cap) {
  LZ4F_dctx* ctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&ctx, LZ4F_VERSION)))
    return make_error(ErrorCode::UNKNOWN_SERVER_ERROR, "LZ4F_createDecompressionContext failed");
  std::unique_ptr<LZ4F_dctx, LZ4F_errorCode_t (*)(LZ4F_dctx*)> guard(ctx, LZ4F_freeDecompressionContext);
  Bytes out;
  size_t produced = 0, pos = 0;
  size_t hint = 1;
  while (pos < in.size() || hint != 0) {
    if (produced == out.size() && !grow(out, cap)) return over_cap("lz4", cap);
    size_t dst = out.size() - produced, src = in.size() - pos;
    hint = LZ4F_decompress(ctx, out.data() + produced, &dst, in.data() + pos, &src, nullptr);
    if (LZ4F_isError(hint)) return corrupt(std::string("lz4: ") + LZ4F_getErrorName(hint));
    produced += dst;
    pos += src;
    if (produced > cap) return over_cap("lz4", cap);
    if (hint != 0 && pos == in.size() && dst == 0 && produced < out.size()) return corrupt("lz4: truncated frame");
  }
  out.resize(produced);
  return out;
}

// ---- zstd ----
Result<Bytes> zstd_compress(ByteView in) {
  Bytes out(ZSTD_compressBound(in.size()));
  size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
  if (ZSTD_isError(n)) return make_error(ErrorCode::UNKNOWN_SERVER_ERROR, ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

Result<Bytes> zstd_decompress(ByteView in, size_t cap) {
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!ctx) return make_error(ErrorCode::UNKNOWN_SERVER_ERROR, "ZSTD_createDCtx failed");
  Bytes out;
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  size_t produced = 0;
  size_t hint = 1;
  while (src.pos < src.size || hint != 0) {
    if (produced == out.size() && !grow(out, cap)) return over_cap("zstd", cap);
    ZSTD_outBuffer dst{out.data(), out.size(), produced};
    size_t before_in = src.pos;
    hint = ZSTD_decompressStream(ctx.get(), &dst, &src);
    if (ZSTD_isError(hint)) return corrupt(std::string("zstd: ") + ZSTD_getErrorName(hint));
    bool progress = dst.pos != produced || src.pos != before_in;
    produced = dst.pos;
    if (produced > cap) return over_cap("zstd", cap);
    if (hint != 0 && src.pos == src.size && !progress) return corrupt("zstd: truncated frame");
  }
  out.resize(produced);
  return out;
}

}  // namespace

std::string_view compression_name(Compression c) {
  switch (c) {
    case Compression::none: return "none";
    case Compression::gzip: return "gzip";
    case Compression::snappy: return "snappy";
    case Compression::lz4: return "lz4";
    case Compression::zstd: return "zstd";
  }
  return "unknown";
}

std::optional<Compression> compression_from_name(std::string_view name) {
  for (int i = 0; i <= 4; ++i)
    if (compression_name(Compression(i)) == name) return Compression(i);
  return std::nullopt;
}

std::optional<Compression> compression_from_id(int id) {
  if (id < 0 || id > 4) return std::nullopt;
  return Compression(id);
}

Result<Bytes> compress(Compression codec, ByteView data) {
  switch (codec) {
    case Compression::none: return Bytes(data.begin(), data.end());
    case Compression::gzip: return gzip_compress(data);
    case Compression::snappy: return snappy_compress_xerial(data);
    case Compression::lz4: return lz4_compress(data);
    case Compression::zstd: return zstd_compress(data);
  }
  return make_error(ErrorCode::UNSUPPORTED_COMPRESSION_TYPE, "unknown codec");
}

Result<Bytes> decompress(Compression codec, ByteView data, size_t max_out) {
  switch (codec) {
    case Compression::none:
      if (data.size() > max_out) return over_cap("none", max_out);
      return Bytes(data.begin(), data.end());
    case Compression::gzip: return gzip_decompress(data, max_out);
    case Compression::snappy: return snappy_decompress(data, max_out);
    case Compression::lz4: return lz4_decompress(data, max_out);
    case Compression::zstd: return zstd_decompress(data, max_out);
  }
  return make_error(ErrorCode::UNSUPPORTED_COMPRESSION_TYPE, "unknown codec");
}

}  // namespace gregor::model
