#pragma once

#include <aws/io/stream.h>

#include <atomic>
#include <cstdint>

namespace s3fs {

// A request body that adds every byte read from `inner` to `counter`: an upload's progress, as the
// CRT of this version reports none for PUT. Takes over the caller's reference to `inner`; null
// (with `inner` released) when out of memory.
aws_input_stream* NewCountingStream(aws_allocator* allocator, aws_input_stream* inner, std::atomic<uint64_t>* counter);

}  // namespace s3fs
