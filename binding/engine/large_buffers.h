#pragma once

#include <cstddef>
#include <cstdint>

struct aws_allocator;

namespace s3fs::engine {

// Memory for large transfer buffers: blocks of 1 MiB and more are mapped directly, so that freeing
// one gives its memory back at once, and the CRT's part buffers are kept for reuse up to a bound.
// (Transparent huge pages would cut the first-touch page faults 512-fold, but cost more system time
// in compaction than they saved, as measured for 1 GiB reads: README, Benchmarks.)

// A whole-object destination, handed to JS as an external Buffer; free with FreeLargeBuffer.
uint8_t* AllocateLargeBuffer(size_t size);
void FreeLargeBuffer(uint8_t* data, size_t size);
// The same, for a thread that must not wait for the pages to be returned: a background thread
// unmaps the block.
void FreeLargeBufferElsewhere(uint8_t* data, size_t size);

// The allocator the CRT objects of an engine use: small allocations as malloc, large ones mapped
// with huge pages and recycled (at most `cache_bytes` kept idle).
aws_allocator* PartBufferAllocator();

}  // namespace s3fs::engine
