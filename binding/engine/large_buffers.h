#pragma once

#include <cstddef>
#include <cstdint>

struct aws_allocator;

namespace s3fs::engine {

// Memory for large transfer buffers. Fresh pages fault one 4 KiB page at a time, and at GiB/s
// that costs more CPU than the copy itself (measured: over 1 M minor faults and 7 s of system time
// for three 1 GiB reads). Large blocks are therefore mapped with transparent huge pages (512 faults
// per GiB instead of 262 144) and, for the CRT's part buffers, kept for reuse up to a bound.

// A whole-object destination, handed to JS as an external Buffer; free with FreeLargeBuffer.
uint8_t* AllocateLargeBuffer(size_t size);
void FreeLargeBuffer(uint8_t* data, size_t size);

// The allocator the CRT objects of an engine use: small allocations as malloc, large ones mapped
// with huge pages and recycled (at most `cache_bytes` kept idle).
aws_allocator* PartBufferAllocator();

}  // namespace s3fs::engine
