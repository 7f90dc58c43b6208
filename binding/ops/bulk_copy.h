#pragma once

#include <cstddef>
#include <cstdint>

namespace s3fs {

// Copies response bytes into a destination too large to stay in cache (a whole object, a long
// range): with non-temporal stores where the CPU has them, which write the destination's lines
// without first reading them from memory, and leave the cache to the connection's buffers.
void CopyPastCache(uint8_t* dest, const uint8_t* src, size_t size);

// Makes the pages of [begin, end) present and writable in one call, as a whole-object read's fresh
// memory would otherwise be, a fault per 4 KiB page during the copies. Measured on 1 GiB readFile
// from nginx: 1.24 -> 0.87 CPU-s per GiB. Where the kernel cannot (before Linux 5.14), the pages
// fault in as before.
void PopulateForWrite(uint8_t* begin, uint8_t* end);

}  // namespace s3fs
