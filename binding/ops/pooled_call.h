#pragma once

#include <aws/http/request_response.h>
#include <aws/io/channel.h>
#include <aws/io/retry_strategy.h>

#include <memory>
#include <mutex>
#include <string>

#include "ops/s3_call.h"
#include "ops/s3_message.h"

struct aws_http_connection;
struct aws_http_connection_manager;
struct aws_http_stream;
struct aws_retry_token;
struct aws_retry_strategy;
struct aws_signable;
struct aws_signing_result;

namespace s3fs {

// A single request on a kept-alive connection from the engine's pool: acquire a connection, sign
// (SigV4) on its event loop, stream the response body straight to its destination, retry transient
// failures with the engine's retry strategy (backoff and retry budget).
class PooledCall : public S3Call {
 public:
  PooledCall(engine::Engine& engine, S3Request request, Done done) : S3Call(engine, std::move(request), std::move(done)) {}
  ~PooledCall() override;

 private:
  bool Begin(S3Response& refusal) override;
  void CancelTransport() override;
  // A fresh response and signed-to-be message for a try; the pool to send it on, or null.
  aws_http_connection_manager* Prepare();
  void Attempt();
  void AddBodyChecksum();
  void Sign();
  void SendRequest();
  void ReleaseConnection();
  void Retry(int error_code, bool throttled);
  void ScheduleRetry();
  void FinishUnsent(int error_code);
  void Finish(int error_code);
  bool cancelled();

  static void OnToken(aws_retry_strategy*, int error_code, aws_retry_token* token, void* self);
  static void OnRetryReady(aws_retry_token* token, int error_code, void* self);
  static void OnSignTask(aws_channel_task* task, void* self, aws_task_status status);
  static void OnSigned(aws_signing_result* result, int error_code, void* self);
  static void OnConnection(aws_http_connection* connection, int error_code, void* self);
  static int OnHeaders(aws_http_stream*, aws_http_header_block block, const aws_http_header* headers, size_t count,
                       void* self);
  static int OnBody(aws_http_stream*, const aws_byte_cursor* data, void* self);
  static void OnComplete(aws_http_stream* stream, int error_code, void* self);

  std::unique_ptr<S3Message> message_;
  aws_retry_token* token_ = nullptr;
  int retry_error_ = 0;
  aws_retry_error_type retry_type_ = AWS_RETRY_ERROR_TYPE_TRANSIENT;
  aws_channel_task sign_task_{};
  // The body's checksum header value, computed for the first try and sent again by the others.
  std::string body_checksum_;
  int attempts_ = 0;
  aws_signable* signable_ = nullptr;
  aws_http_connection_manager* pool_ = nullptr;
  aws_http_connection* connection_ = nullptr;
  aws_http_stream* stream_ = nullptr;
  std::mutex mutex_;
  bool cancelled_ = false;
};

}  // namespace s3fs
