// CRC32C (Castagnoli, polynomial 0x1EDC6F41, reflected), the checksum of Kafka record
// batches v2. Uses the SSE4.2 crc32 instruction when the CPU has it (checked once at run
// time), else a slicing-by-8 table.
// Thread-safety: pure functions; callable from any thread.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"

namespace gregor::model {

// Continues a CRC32C: crc32c_extend(crc32c(a), b) == crc32c(a ++ b). Start with 0.
uint32_t crc32c_extend(uint32_t crc, const uint8_t* data, size_t n);
inline uint32_t crc32c(ByteView data) { return crc32c_extend(0, data.data(), data.size()); }

// The two implementations, exposed so tests can compare them.
uint32_t crc32c_extend_portable(uint32_t crc, const uint8_t* data, size_t n);
// REQUIRES: crc32c_hardware_available()
uint32_t crc32c_extend_hardware(uint32_t crc, const uint8_t* data, size_t n);
bool crc32c_hardware_available();

}  // namespace gregor::model
