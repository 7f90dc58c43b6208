#pragma once

#include <aws/common/byte_buf.h>

#include <functional>

#include "ops/caller_memory.h"
#include "ops/s3_request.h"

namespace s3fs::engine {
class Engine;
}

namespace s3fs {

// One S3 request from start to the release of its last CRT resource. Uploads (PUT_OBJECT) go
// through the CRT's S3 client, which splits them into parallel parts; single requests go through a
// kept-alive connection pool, because the S3 client closes an endpoint's connections whenever
// nothing is in flight to it.
class S3Call {
 public:
  using Done = std::function<void(S3Response&)>;

  // Null when the request could not start (engine shutting down, CRT refusal); then `refusal`
  // says why and `done` is never called. Otherwise `done` is called once, on a CRT thread, after
  // the CRT has released every resource of the request; then the call deletes itself.
  static S3Call* Start(engine::Engine& engine, S3Request request, Done done, S3Response& refusal);

  // Thread-safe, any time before `done`: the request then ends with AWS_ERROR_S3_CANCELED. When
  // this returns, no CRT thread reads or writes the caller's memory of this request any more.
  void Cancel();

 protected:
  S3Call(engine::Engine& engine, S3Request request, Done done);
  virtual ~S3Call();
  virtual bool Begin(S3Response& refusal) = 0;
  virtual void CancelTransport() = 0;

  void StoreHeader(aws_byte_cursor name, aws_byte_cursor value);
  // `at` is the offset of this chunk within the destination.
  void StoreBody(aws_byte_cursor body, uint64_t at);
  void WriteToFile(aws_byte_cursor body, uint64_t at);
  void Complete();

  engine::Engine& engine_;
  S3Request request_;
  S3Response response_;
  CallerMemory caller_memory_;

 private:
  Done done_;
};

}  // namespace s3fs
