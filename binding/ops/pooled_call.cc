#include "ops/pooled_call.h"

#include <aws/auth/signable.h>
#include <aws/auth/signing.h>
#include <aws/auth/signing_config.h>
#include <aws/auth/signing_result.h>
#include <aws/common/date_time.h>
#include <aws/http/connection.h>
#include <aws/http/connection_manager.h>
#include <aws/http/request_response.h>
#include <aws/io/channel.h>
#include <aws/io/retry_strategy.h>
#include <aws/s3/s3.h>

#include "engine/engine.h"

namespace s3fs {

namespace {

// A request whose time is its round trip: nothing large to send, and an answer small enough to copy
// on the JS thread (a HEAD, a DELETE, an XML listing, a small range). It runs on the caller thread's
// loop where the engine has one; whole objects, files and uploads stay on the CRT's threads.
bool RoundTripBound(const S3Request& request) {
  constexpr size_t kMaxBytes = 256 * 1024;
  if ((request.has_body && request.body_size > kMaxBytes) || !request.body_file.empty()) return false;
  if (request.choose_dest || request.dest_fd >= 0) return false;
  return request.dest == nullptr || request.dest_size <= kMaxBytes;
}

}  // namespace

PooledCall::~PooledCall() {
  if (token_ != nullptr) aws_retry_token_release(token_);
}

bool PooledCall::cancelled() {
  std::lock_guard<std::mutex> lock(mutex_);
  return cancelled_;
}

void PooledCall::CancelTransport() {
  std::lock_guard<std::mutex> lock(mutex_);
  cancelled_ = true;
  // Closing the connection ends the stream at once (with an error that OnComplete reads as the
  // cancel); a connection closed this way is not reused.
  if (connection_ != nullptr && stream_ != nullptr) aws_http_connection_close(connection_);
}

// The request goes to the connection's own event loop once, for signing and sending; the answer
// comes back from there. A retry token is taken only when a retry is due: the retry budget charges
// retries alone (a first try that succeeds pays nothing back), and taking a token is a hop through
// another event loop, which in a 4 KiB read against nginx was a third of the round trip's wake-ups.
bool PooledCall::Begin(S3Response& refusal) {
  aws_http_connection_manager* pool = Prepare();
  if (pool == nullptr) {
    refusal.crt_error = aws_last_error();
    return false;
  }
  aws_http_connection_manager_acquire_connection(pool, &PooledCall::OnConnection, this);
  return true;
}

void PooledCall::Attempt() {
  if (cancelled()) return Finish(AWS_ERROR_S3_CANCELED);
  aws_http_connection_manager* pool = Prepare();
  if (pool == nullptr) return Finish(aws_last_error());
  aws_http_connection_manager_acquire_connection(pool, &PooledCall::OnConnection, this);
}

aws_http_connection_manager* PooledCall::Prepare() {
  response_ = S3Response{};
  response_.attempts = ++attempts_;
  message_ = std::make_unique<S3Message>();
  if (!message_->Build(engine_, request_, caller_memory_)) return nullptr;
  response_.authority = message_->authority();
  response_.region = message_->region();
  pool_ = engine_.ConnectionPool(message_->host(), message_->port(), RoundTripBound(request_));
  return pool_;
}

void PooledCall::OnConnection(aws_http_connection* connection, int error_code, void* user_data) {
  auto* self = static_cast<PooledCall*>(user_data);
  if (error_code != 0) return self->Retry(error_code, false);
  {
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->connection_ = connection;
  }
  // Always a task, even on the loop's own thread (where it costs no wake-up): this callback may
  // run inside Begin, whose caller must see it return before the call can finish.
  aws_channel_task_init(&self->sign_task_, &PooledCall::OnSignTask, self, "s3fs_pooled_call_sign");
  aws_channel_schedule_task_now(aws_http_connection_get_channel(connection), &self->sign_task_);
}

void PooledCall::OnSignTask(aws_channel_task*, void* user_data, aws_task_status status) {
  auto* self = static_cast<PooledCall*>(user_data);
  // The connection closed before its loop ran the task: another connection will do.
  if (status != AWS_TASK_STATUS_RUN_READY) {
    self->ReleaseConnection();
    return self->Retry(AWS_ERROR_HTTP_CONNECTION_CLOSED, false);
  }
  self->Sign();
}

// Computed here, on the connection's event loop, not on the thread that started the call: a large
// body's checksum is CPU work. Bodies the caller thread's loop sends are at most 256 KiB.
void PooledCall::AddBodyChecksum() {
  if (request_.upload_checksum == ChecksumAlgorithm::kNone || !request_.has_body) return;
  if (body_checksum_.empty()) {
    RunningChecksum checksum(request_.upload_checksum);
    checksum.Update(request_.body, request_.body_size);
    body_checksum_ = checksum.Finish();
  }
  response_.sent_checksum = body_checksum_;
  const std::string_view name = ChecksumHeaderName(request_.upload_checksum);
  aws_http_header header{aws_byte_cursor_from_array(name.data(), name.size()),
                         aws_byte_cursor_from_array(body_checksum_.data(), body_checksum_.size())};
  aws_http_message_add_header(message_->message(), header);
}

void PooledCall::Sign() {
  if (cancelled()) return FinishUnsent(AWS_ERROR_S3_CANCELED);
  AddBodyChecksum();
  aws_signing_config_aws signing = *engine_.signing_config();
  signing.region = aws_byte_cursor_from_array(message_->region().data(), message_->region().size());
  aws_date_time_init_now(&signing.date);
  aws_signable* signable = aws_signable_new_http_request(engine_.allocator(), message_->message());
  if (signable == nullptr) return FinishUnsent(aws_last_error());
  // The signable is only read during signing; OnSigned destroys it.
  signable_ = signable;
  if (aws_sign_request_aws(engine_.allocator(), signable, reinterpret_cast<aws_signing_config_base*>(&signing),
                           &PooledCall::OnSigned, this) != AWS_OP_SUCCESS) {
    const int error = aws_last_error();
    signable_ = nullptr;
    aws_signable_destroy(signable);
    FinishUnsent(error);
  }
}

void PooledCall::OnSigned(aws_signing_result* result, int error_code, void* user_data) {
  auto* self = static_cast<PooledCall*>(user_data);
  aws_signable_destroy(self->signable_);
  self->signable_ = nullptr;
  if (error_code == 0 &&
      aws_apply_signing_result_to_http_request(self->message_->message(), self->engine_.allocator(), result) !=
          AWS_OP_SUCCESS) {
    error_code = aws_last_error();
  }
  if (error_code == 0 && self->cancelled()) error_code = AWS_ERROR_S3_CANCELED;
  if (error_code != 0) return self->FinishUnsent(error_code);
  self->SendRequest();
}

void PooledCall::SendRequest() {
  aws_http_make_request_options options{};
  options.self_size = sizeof(options);
  options.request = message_->message();
  options.user_data = this;
  options.on_response_headers = &PooledCall::OnHeaders;
  options.on_response_body = &PooledCall::OnBody;
  options.on_complete = &PooledCall::OnComplete;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!cancelled_) stream_ = aws_http_connection_make_request(connection_, &options);
  }
  if (stream_ == nullptr || aws_http_stream_activate(stream_) != AWS_OP_SUCCESS) {
    int error = cancelled() ? AWS_ERROR_S3_CANCELED : aws_last_error();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      aws_http_stream_release(stream_);
      stream_ = nullptr;
    }
    ReleaseConnection();
    // A pooled connection the server closed while it sat idle refuses the request: another one will do.
    return error == AWS_ERROR_S3_CANCELED ? Finish(error) : Retry(error, false);
  }
}

void PooledCall::ReleaseConnection() {
  aws_http_connection* connection;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    connection = connection_;
    connection_ = nullptr;
  }
  if (connection != nullptr) aws_http_connection_manager_release_connection(pool_, connection);
}

int PooledCall::OnHeaders(aws_http_stream* stream, aws_http_header_block block, const aws_http_header* headers, size_t count,
                          void* user_data) {
  auto* self = static_cast<PooledCall*>(user_data);
  if (block != AWS_HTTP_HEADER_BLOCK_MAIN) return AWS_OP_SUCCESS;
  if (self->response_.http_status == 0) aws_http_stream_get_incoming_response_status(stream, &self->response_.http_status);
  for (size_t i = 0; i < count; ++i) self->StoreHeader(headers[i].name, headers[i].value);
  return AWS_OP_SUCCESS;
}

int PooledCall::OnBody(aws_http_stream*, const aws_byte_cursor* data, void* user_data) {
  auto* self = static_cast<PooledCall*>(user_data);
  const int status = self->response_.http_status;
  if (status >= 200 && status < 300) {
    self->StoreBody(*data, self->response_.bytes_received);
  } else {
    self->response_.error_body.append(reinterpret_cast<const char*>(data->ptr), data->len);
  }
  return AWS_OP_SUCCESS;
}

void PooledCall::OnComplete(aws_http_stream* stream, int error_code, void* user_data) {
  auto* self = static_cast<PooledCall*>(user_data);
  {
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->stream_ = nullptr;
  }
  aws_http_stream_release(stream);
  self->ReleaseConnection();

  if (self->cancelled()) return self->Finish(AWS_ERROR_S3_CANCELED);
  if (error_code != 0) return self->Retry(error_code, false);
  const int status = self->response_.http_status;
  if (status == 500 || status == 502 || status == 503 || status == 504 || status == 429) {
    return self->Retry(AWS_ERROR_S3_INVALID_RESPONSE_STATUS, status == 503 || status == 429);
  }
  if (self->token_ != nullptr) aws_retry_token_record_success(self->token_);
  self->Finish(status >= 200 && status < 300 ? 0 : AWS_ERROR_S3_INVALID_RESPONSE_STATUS);
}

void PooledCall::Retry(int error_code, bool throttled) {
  if (cancelled()) return Finish(AWS_ERROR_S3_CANCELED);
  // A failed TLS negotiation does not heal on retry, and s2n delays each failure by seconds.
  if (error_code == AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE) return Finish(error_code);
  retry_error_ = error_code;
  retry_type_ = throttled ? AWS_RETRY_ERROR_TYPE_THROTTLING
                : error_code == AWS_ERROR_S3_INVALID_RESPONSE_STATUS ? AWS_RETRY_ERROR_TYPE_SERVER_ERROR
                                                                     : AWS_RETRY_ERROR_TYPE_TRANSIENT;
  if (token_ != nullptr) return ScheduleRetry();
  if (aws_retry_strategy_acquire_retry_token(engine_.retry_strategy(), nullptr, &PooledCall::OnToken, this, 0) !=
      AWS_OP_SUCCESS) {
    Finish(error_code);
  }
}

void PooledCall::OnToken(aws_retry_strategy*, int error_code, aws_retry_token* token, void* user_data) {
  auto* self = static_cast<PooledCall*>(user_data);
  if (error_code != 0) return self->Finish(self->retry_error_);
  self->token_ = token;
  self->ScheduleRetry();
}

void PooledCall::ScheduleRetry() {
  if (aws_retry_strategy_schedule_retry(token_, retry_type_, &PooledCall::OnRetryReady, this) != AWS_OP_SUCCESS) {
    Finish(retry_error_);
  }
}

void PooledCall::OnRetryReady(aws_retry_token*, int error_code, void* user_data) {
  auto* self = static_cast<PooledCall*>(user_data);
  if (error_code != 0) return self->Finish(self->retry_error_);
  self->Attempt();
}

// Ends the call before its request went out on the connection it holds.
void PooledCall::FinishUnsent(int error_code) {
  ReleaseConnection();
  Finish(error_code);
}

void PooledCall::Finish(int error_code) {
  response_.crt_error = error_code;
  message_.reset();
  Complete();
}

}  // namespace s3fs
