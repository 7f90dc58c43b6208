#include "ops/s3_message.h"

#include <aws/http/request_response.h>
#include <aws/io/stream.h>

#include "engine/engine.h"
#include "engine/s3_address.h"
#include "ops/counting_stream.h"
#include "ops/request_options.h"
#include "ops/uri_encode.h"

namespace s3fs {

namespace {

aws_byte_cursor Cursor(const std::string& s) { return aws_byte_cursor_from_array(s.data(), s.size()); }

}  // namespace

S3Message::~S3Message() {
  aws_http_message_release(message_);
  aws_input_stream_release(body_stream_);
  if (endpoint_parsed_) aws_uri_clean_up(&endpoint_);
}

bool S3Message::Build(engine::Engine& engine, const S3Request& request, CallerMemory& body_memory) {
  const engine::Config& config = engine.config();
  region_ = engine.RegionOf(request.bucket);
  const engine::S3Address address = engine::AddressOf(config, region_, request.bucket);
  host_ = address.host;
  port_ = address.port != 0 ? address.port : (config.use_https ? 443 : 80);
  std::string authority = host_;
  if (address.port != 0) authority += ":" + std::to_string(address.port);
  std::string path = "/";
  if (address.path_style && !request.bucket.empty()) {
    path += request.bucket;
    if (!request.key.empty()) path += "/";
  }
  path += UriEncodePath(request.key);
  if (!request.query.empty()) path += "?" + request.query;

  std::string endpoint = (config.use_https ? "https://" : "http://") + authority;
  aws_byte_cursor endpoint_cursor = Cursor(endpoint);
  if (aws_uri_init_parse(&endpoint_, engine.allocator(), &endpoint_cursor) != AWS_OP_SUCCESS) return false;
  endpoint_parsed_ = true;

  message_ = aws_http_message_new_request(engine.allocator());
  if (message_ == nullptr) return false;
  aws_http_message_set_request_method(message_, Cursor(request.method));
  aws_http_message_set_request_path(message_, Cursor(path));
  aws_http_header host{aws_byte_cursor_from_c_str("Host"), Cursor(authority)};
  aws_http_message_add_header(message_, host);
  for (const auto& [name, value] : request.headers) {
    aws_http_header header{Cursor(name), Cursor(value)};
    aws_http_message_add_header(message_, header);
  }
  for (const auto& [name, value] : ConfiguredHeaders(config, request)) {
    aws_http_header header{Cursor(name), Cursor(value)};
    aws_http_message_add_header(message_, header);
  }
  if (request.has_body) {
    std::string length = std::to_string(request.body_size);
    if (!request.body_file.empty()) {
      body_stream_ = aws_input_stream_new_from_file(engine.allocator(), request.body_file.c_str());
    } else {
      body_stream_ = body_memory.NewBodyStream(engine.allocator(), request.body, request.body_size);
    }
    if (body_stream_ != nullptr && request.moved != nullptr) {
      body_stream_ = NewCountingStream(engine.allocator(), body_stream_, request.moved);
    }
    if (body_stream_ == nullptr) return false;
    aws_http_header content_length{aws_byte_cursor_from_c_str("Content-Length"), Cursor(length)};
    aws_http_message_add_header(message_, content_length);
    aws_http_message_set_body_stream(message_, body_stream_);
  }
  return true;
}

}  // namespace s3fs
