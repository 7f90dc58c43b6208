#include "ops/caller_memory.h"

#include "ops/bulk_copy.h"

#include <aws/common/byte_buf.h>
#include <aws/common/ref_count.h>
#include <aws/io/stream.h>
#include <aws/s3/s3.h>

#include <algorithm>
#include <cstring>

namespace s3fs {

namespace {

// Destinations from this size on are copied past the cache: measured on 1 GiB reads, a plain copy
// cost as much CPU as the kernel's copy out of the socket.
constexpr size_t kPastCacheBytes = 4 * 1024 * 1024;
// Their pages are made ready this far ahead of the bytes (a call's body arrives in order).
constexpr uint64_t kPopulateBytes = 2 * 1024 * 1024;

}  // namespace

bool CallerMemory::CopyIn(uint8_t* dest, size_t dest_size, uint64_t at, const uint8_t* data, size_t size) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (revoked_) return false;
  if (at >= dest_size) return true;
  const size_t n = static_cast<size_t>(std::min<uint64_t>(size, dest_size - at));
  if (dest_size >= kPastCacheBytes) {
    PopulateAhead(dest, dest_size, at + n);
    CopyPastCache(dest + at, data, n);
  } else {
    std::memcpy(dest + at, data, n);
  }
  return true;
}

void CallerMemory::PopulateAhead(uint8_t* dest, size_t dest_size, uint64_t needed_until) {
  if (needed_until <= populated_until_) return;
  const uint64_t until = std::min<uint64_t>(std::max<uint64_t>(needed_until, populated_until_ + kPopulateBytes), dest_size);
  PopulateForWrite(dest + populated_until_, dest + until);
  populated_until_ = until;
}

struct GuardedBodyStream {
  aws_input_stream base;
  aws_allocator* allocator;
  CallerMemory* memory;
  const uint8_t* data;
  size_t size;
  size_t position;

  static GuardedBodyStream* From(aws_input_stream* stream) { return static_cast<GuardedBodyStream*>(stream->impl); }

  static int Seek(aws_input_stream* stream, int64_t offset, aws_stream_seek_basis basis) {
    GuardedBodyStream* self = From(stream);
    int64_t base = basis == AWS_SSB_BEGIN ? 0 : static_cast<int64_t>(self->size);
    int64_t target = base + offset;
    if (target < 0 || target > static_cast<int64_t>(self->size)) return aws_raise_error(AWS_IO_STREAM_INVALID_SEEK_POSITION);
    self->position = static_cast<size_t>(target);
    return AWS_OP_SUCCESS;
  }

  static int Read(aws_input_stream* stream, aws_byte_buf* dest) {
    GuardedBodyStream* self = From(stream);
    std::lock_guard<std::mutex> lock(self->memory->mutex_);
    if (self->memory->revoked_) return aws_raise_error(AWS_ERROR_S3_CANCELED);
    const size_t n = std::min(dest->capacity - dest->len, self->size - self->position);
    std::memcpy(dest->buffer + dest->len, self->data + self->position, n);
    dest->len += n;
    self->position += n;
    return AWS_OP_SUCCESS;
  }

  static int GetStatus(aws_input_stream* stream, aws_stream_status* status) {
    GuardedBodyStream* self = From(stream);
    status->is_end_of_stream = self->position == self->size;
    status->is_valid = true;
    return AWS_OP_SUCCESS;
  }

  static int GetLength(aws_input_stream* stream, int64_t* length) {
    *length = static_cast<int64_t>(From(stream)->size);
    return AWS_OP_SUCCESS;
  }

  static void Destroy(void* stream) {
    GuardedBodyStream* self = From(static_cast<aws_input_stream*>(stream));
    aws_mem_release(self->allocator, self);
  }
};

static aws_input_stream_vtable kGuardedBodyStreamVtable = {
    &GuardedBodyStream::Seek, &GuardedBodyStream::Read, &GuardedBodyStream::GetStatus, &GuardedBodyStream::GetLength,
    nullptr, nullptr};

aws_input_stream* CallerMemory::NewBodyStream(aws_allocator* allocator, const uint8_t* data, size_t size) {
  auto* stream = static_cast<GuardedBodyStream*>(aws_mem_calloc(allocator, 1, sizeof(GuardedBodyStream)));
  if (stream == nullptr) return nullptr;
  stream->allocator = allocator;
  stream->memory = this;
  stream->data = data;
  stream->size = size;
  stream->base.impl = stream;
  stream->base.vtable = &kGuardedBodyStreamVtable;
  aws_ref_count_init(&stream->base.ref_count, &stream->base, &GuardedBodyStream::Destroy);
  return &stream->base;
}

}  // namespace s3fs
