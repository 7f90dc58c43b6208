#pragma once

#include <aws/auth/signing_config.h>

#include <mutex>

#include "ops/s3_call.h"
#include "ops/s3_message.h"

struct aws_s3_meta_request;
struct aws_s3_meta_request_result;
struct aws_http_headers;

namespace s3fs {

// An upload through the CRT's S3 client: PUT_OBJECT, a multipart upload above the part size
// (aborted by the CRT on failure or cancel). Whole-object reads need no such call: their ranged
// parts go through the pool, at less cost per object.
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
  // The engine's, signing for the region the message is addressed to.
  aws_signing_config_aws signing_{};
  std::mutex mutex_;
  aws_s3_meta_request* meta_request_ = nullptr;
};

}  // namespace s3fs
