#pragma once

#include <cstddef>
#include <cstdint>

struct aws_allocator;

namespace s3fs::engine {

// Memory for large transfer buffers: blocks of 1 MiB and more are mapped directly, so that freeing
// one gives its memory back at once, and the CRT's part buffers are kept for reuse up to a bound.
// Transparent huge pages halve the cost of filling fresh memory on a machine of its own (0.50 ->
// 0.24 CPU-s per GiB), but on these VMs the kernel hands every free 2 MiB block back to the
// hypervisor (page_reporting), so a huge page is mostly a block the host must fault in again:
// 1 GiB reads took more CPU with them (median 1.43 against 1.31 CPU-s, 5 runs alternating).

// A whole-object destination, handed to JS as an external Buffer; free with FreeLargeBuffer.
uint8_t* AllocateLargeBuffer(size_t size);
void FreeLargeBuffer(uint8_t* data, size_t size);
// The same, for a thread that must not wait for the pages to be returned: a background thread
// unmaps the block.
void FreeLargeBufferElsewhere(uint8_t* data, size_t size);

// The allocator the CRT objects of an engine use: small allocations as malloc, large ones mapped
// and recycled (at most 128 MiB kept idle).
aws_allocator* PartBufferAllocator();

}  // namespace s3fs::engine
