#include "ops/counting_stream.h"

#include <aws/common/ref_count.h>

namespace s3fs {

namespace {

struct CountingStream {
  aws_input_stream base;
  aws_allocator* allocator;
  aws_input_stream* inner;
  std::atomic<uint64_t>* counter;

  static CountingStream* From(aws_input_stream* stream) { return static_cast<CountingStream*>(stream->impl); }

  static int Seek(aws_input_stream* stream, int64_t offset, aws_stream_seek_basis basis) {
    return aws_input_stream_seek(From(stream)->inner, offset, basis);
  }

  static int Read(aws_input_stream* stream, aws_byte_buf* dest) {
    CountingStream* self = From(stream);
    const size_t before = dest->len;
    if (aws_input_stream_read(self->inner, dest) != AWS_OP_SUCCESS) return AWS_OP_ERR;
    self->counter->fetch_add(dest->len - before, std::memory_order_relaxed);
    return AWS_OP_SUCCESS;
  }

  static int GetStatus(aws_input_stream* stream, aws_stream_status* status) {
    return aws_input_stream_get_status(From(stream)->inner, status);
  }

  static int GetLength(aws_input_stream* stream, int64_t* length) { return aws_input_stream_get_length(From(stream)->inner, length); }

  static void Destroy(void* stream) {
    CountingStream* self = From(static_cast<aws_input_stream*>(stream));
    aws_input_stream_release(self->inner);
    aws_mem_release(self->allocator, self);
  }
};

aws_input_stream_vtable kCountingStreamVtable = {&CountingStream::Seek, &CountingStream::Read, &CountingStream::GetStatus,
                                                 &CountingStream::GetLength, nullptr, nullptr};

}  // namespace

aws_input_stream* NewCountingStream(aws_allocator* allocator, aws_input_stream* inner, std::atomic<uint64_t>* counter) {
  auto* stream = static_cast<CountingStream*>(aws_mem_calloc(allocator, 1, sizeof(CountingStream)));
  if (stream == nullptr) {
    aws_input_stream_release(inner);
    return nullptr;
  }
  stream->allocator = allocator;
  stream->inner = inner;
  stream->counter = counter;
  stream->base.impl = stream;
  stream->base.vtable = &kCountingStreamVtable;
  aws_ref_count_init(&stream->base.ref_count, &stream->base, &CountingStream::Destroy);
  return &stream->base;
}

}  // namespace s3fs
