#pragma once

#include <cstddef>
#include <cstdint>

namespace s3fs {

// Copies response bytes into a destination too large to stay in cache (a whole object, a long
// range): with non-temporal stores where the CPU has them, which write the destination's lines
// without first reading them from memory, and leave the cache to the connection's buffers.
void CopyPastCache(uint8_t* dest, const uint8_t* src, size_t size);

}  // namespace s3fs
