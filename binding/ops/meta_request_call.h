#pragma once

#include <mutex>

#include "ops/s3_call.h"
#include "ops/s3_message.h"

struct aws_s3_meta_request;
struct aws_s3_meta_request_result;
struct aws_http_headers;

namespace s3fs {

// A transfer through the CRT's S3 client: GET_OBJECT as parallel ranged parts, PUT_OBJECT as a
// multipart upload (aborted by the CRT on failure or cancel).
class MetaRequestCall : public S3Call {
 public:
  MetaRequestCall(engine::Engine& engine, S3Request request, Done done) : S3Call(engine, std::move(request), std::move(done)) {}

 private:
  bool Begin(S3Response& refusal) override;
  void CancelTransport() override;

  static int OnHeaders(aws_s3_meta_request*, const aws_http_headers* headers, int status, void* self);
  static int OnBody(aws_s3_meta_request*, const aws_byte_cursor* body, uint64_t range_start, void* self);
  static void OnFinish(aws_s3_meta_request*, const aws_s3_meta_request_result* result, void* self);
  static void OnShutdown(void* self);

  S3Message message_;
  std::mutex mutex_;
  aws_s3_meta_request* meta_request_ = nullptr;
};

}  // namespace s3fs
