#include "ops/s3_call.h"

#include <aws/common/string.h>
#include <aws/http/request_response.h>
#include <aws/io/stream.h>
#include <aws/s3/s3_client.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "engine/engine.h"
#include "ops/uri_encode.h"

namespace s3fs {

namespace {

aws_byte_cursor Cursor(const std::string& s) { return aws_byte_cursor_from_array(s.data(), s.size()); }

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Virtual-hosted addressing needs the bucket to be a DNS label that TLS wildcards cover.
bool VirtualHostable(const std::string& bucket) {
  if (bucket.empty() || bucket.size() > 63) return false;
  for (unsigned char c : bucket) {
    if (!(std::islower(c) || std::isdigit(c) || c == '-')) return false;
  }
  return true;
}

}  // namespace

std::string S3Response::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

S3Call::S3Call(engine::Engine& engine, S3Request request, Done done)
    : engine_(engine), request_(std::move(request)), done_(std::move(done)) {}

S3Call::~S3Call() {
  aws_http_message_release(message_);
  aws_input_stream_release(body_stream_);
  if (endpoint_parsed_) aws_uri_clean_up(&endpoint_);
  engine_.EndCall();
}

bool S3Call::BuildMessage() {
  const engine::Config& config = engine_.config();
  const bool path_style = !config.endpoint_host.empty() || !VirtualHostable(request_.bucket);
  std::string authority;
  std::string path = "/";
  if (!config.endpoint_host.empty()) {
    authority = config.endpoint_host;
    if (config.endpoint_port != 0) authority += ":" + std::to_string(config.endpoint_port);
  } else if (path_style) {
    authority = "s3." + config.region + ".amazonaws.com";
  } else {
    authority = request_.bucket + ".s3." + config.region + ".amazonaws.com";
  }
  if (path_style && !request_.bucket.empty()) {
    path += request_.bucket;
    if (!request_.key.empty()) path += "/";
  }
  path += UriEncodePath(request_.key);
  if (!request_.query.empty()) path += "?" + request_.query;

  std::string endpoint = (config.use_https ? "https://" : "http://") + authority;
  aws_byte_cursor endpoint_cursor = Cursor(endpoint);
  if (aws_uri_init_parse(&endpoint_, engine_.allocator(), &endpoint_cursor) != AWS_OP_SUCCESS) return false;
  endpoint_parsed_ = true;

  message_ = aws_http_message_new_request(engine_.allocator());
  if (message_ == nullptr) return false;
  aws_http_message_set_request_method(message_, Cursor(request_.method));
  aws_http_message_set_request_path(message_, Cursor(path));
  aws_http_header host{aws_byte_cursor_from_c_str("Host"), Cursor(authority)};
  aws_http_message_add_header(message_, host);
  for (const auto& [name, value] : request_.headers) {
    aws_http_header header{Cursor(name), Cursor(value)};
    aws_http_message_add_header(message_, header);
  }
  if (request_.has_body) {
    std::string length = std::to_string(request_.body_size);
    aws_http_header content_length{aws_byte_cursor_from_c_str("Content-Length"), Cursor(length)};
    aws_http_message_add_header(message_, content_length);
    aws_byte_cursor body = aws_byte_cursor_from_array(request_.body, request_.body_size);
    body_stream_ = aws_input_stream_new_from_cursor(engine_.allocator(), &body);
    if (body_stream_ == nullptr) return false;
    aws_http_message_set_body_stream(message_, body_stream_);
  }
  return true;
}

S3Call* S3Call::Start(engine::Engine& engine, S3Request request, Done done, S3Response& refusal) {
  if (!engine.BeginCall()) {
    refusal.crt_error = AWS_ERROR_S3_CANCELED;
    return nullptr;
  }
  auto* call = new S3Call(engine, std::move(request), std::move(done));
  if (!call->BuildMessage()) {
    refusal.crt_error = aws_last_error();
    delete call;
    return nullptr;
  }
  aws_s3_meta_request_options options{};
  options.type = call->request_.type;
  options.message = call->message_;
  options.endpoint = &call->endpoint_;
  options.user_data = call;
  options.headers_callback = &S3Call::OnHeaders;
  options.body_callback = &S3Call::OnBody;
  options.finish_callback = &S3Call::OnFinish;
  options.shutdown_callback = &S3Call::OnShutdown;

  // Held across the start so that a finish callback arriving at once sees meta_request_ set.
  std::unique_lock<std::mutex> lock(call->mutex_);
  call->meta_request_ = aws_s3_client_make_meta_request(engine.client(), &options);
  if (call->meta_request_ == nullptr) {
    refusal.crt_error = aws_last_error();
    lock.unlock();
    delete call;
    return nullptr;
  }
  return call;
}

void S3Call::Cancel() {
  aws_s3_meta_request* meta_request = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (meta_request_ != nullptr) meta_request = aws_s3_meta_request_acquire(meta_request_);
  }
  if (meta_request != nullptr) {
    aws_s3_meta_request_cancel(meta_request);
    aws_s3_meta_request_release(meta_request);
  }
}

int S3Call::OnHeaders(aws_s3_meta_request*, const aws_http_headers* headers, int status, void* user_data) {
  auto* self = static_cast<S3Call*>(user_data);
  self->response_.http_status = status;
  const size_t count = aws_http_headers_count(headers);
  for (size_t i = 0; i < count; ++i) {
    aws_http_header header;
    if (aws_http_headers_get_index(headers, i, &header) != AWS_OP_SUCCESS) continue;
    self->response_.headers.emplace_back(
        Lower(std::string(reinterpret_cast<const char*>(header.name.ptr), header.name.len)),
        std::string(reinterpret_cast<const char*>(header.value.ptr), header.value.len));
  }
  return AWS_OP_SUCCESS;
}

int S3Call::OnBody(aws_s3_meta_request*, const aws_byte_cursor* body, uint64_t range_start, void* user_data) {
  auto* self = static_cast<S3Call*>(user_data);
  const S3Request& request = self->request_;
  if (request.collect_body) {
    self->response_.body.append(reinterpret_cast<const char*>(body->ptr), body->len);
  } else if (request.dest != nullptr) {
    // GET_OBJECT delivers parts in order, each with its object offset; a single request's body
    // starts at the first byte of its range.
    const uint64_t at = request.type == AWS_S3_META_REQUEST_TYPE_GET_OBJECT
                            ? range_start - request.dest_offset
                            : self->response_.bytes_received;
    if (at < request.dest_size) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(body->len, request.dest_size - at));
      std::memcpy(request.dest + at, body->ptr, n);
    }
  }
  self->response_.bytes_received += body->len;
  return AWS_OP_SUCCESS;
}

void S3Call::OnFinish(aws_s3_meta_request*, const aws_s3_meta_request_result* result, void* user_data) {
  auto* self = static_cast<S3Call*>(user_data);
  self->response_.crt_error = result->error_code;
  if (result->response_status != 0) self->response_.http_status = result->response_status;
  // The CRT frees the error body when this callback returns.
  if (result->error_response_body != nullptr) {
    self->response_.error_body.assign(reinterpret_cast<const char*>(result->error_response_body->buffer),
                                      result->error_response_body->len);
  }
  aws_s3_meta_request* meta_request;
  {
    std::lock_guard<std::mutex> lock(self->mutex_);
    meta_request = self->meta_request_;
    self->meta_request_ = nullptr;
  }
  aws_s3_meta_request_release(meta_request);
}

void S3Call::OnShutdown(void* user_data) {
  auto* self = static_cast<S3Call*>(user_data);
  self->done_(self->response_);
  delete self;
}

}  // namespace s3fs
