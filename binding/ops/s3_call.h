#pragma once

#include <aws/common/uri.h>

#include <functional>
#include <mutex>

#include "ops/s3_request.h"

struct aws_http_message;
struct aws_input_stream;
struct aws_s3_meta_request;

namespace s3fs::engine {
class Engine;
}

namespace s3fs {

// One CRT meta request from start to shutdown. It owns the HTTP message, the body stream and the
// endpoint until the CRT has let go of them, then hands the response over and deletes itself.
class S3Call {
 public:
  using Done = std::function<void(S3Response&)>;

  // Null when the request could not start (engine shutting down, CRT refusal); then `refusal`
  // says why and `done` is never called. Otherwise `done` is called once, on a CRT thread, after
  // the CRT has released every resource of the request.
  static S3Call* Start(engine::Engine& engine, S3Request request, Done done, S3Response& refusal);

  // Thread-safe; the request then finishes with AWS_ERROR_S3_CANCELED.
  void Cancel();

 private:
  S3Call(engine::Engine& engine, S3Request request, Done done);
  ~S3Call();
  bool BuildMessage();

  static int OnHeaders(aws_s3_meta_request*, const aws_http_headers* headers, int status, void* self);
  static int OnBody(aws_s3_meta_request*, const aws_byte_cursor* body, uint64_t range_start, void* self);
  static void OnFinish(aws_s3_meta_request*, const aws_s3_meta_request_result* result, void* self);
  static void OnShutdown(void* self);

  engine::Engine& engine_;
  S3Request request_;
  Done done_;
  S3Response response_;
  aws_http_message* message_ = nullptr;
  aws_input_stream* body_stream_ = nullptr;
  aws_uri endpoint_{};
  bool endpoint_parsed_ = false;

  std::mutex mutex_;
  aws_s3_meta_request* meta_request_ = nullptr;
};

}  // namespace s3fs
