#pragma once

#include <aws/common/uri.h>

#include <cstdint>
#include <string>

#include "ops/caller_memory.h"
#include "ops/s3_request.h"

struct aws_http_message;
struct aws_input_stream;

namespace s3fs::engine {
class Engine;
}

namespace s3fs {

// The HTTP message of one S3 request, to the host engine::AddressOf names. Owns what it creates.
class S3Message {
 public:
  S3Message() = default;
  ~S3Message();
  S3Message(const S3Message&) = delete;
  S3Message& operator=(const S3Message&) = delete;

  // False with the CRT error raised when the message cannot be built. The body, if any, is read
  // through `body_memory`, so that revoking it stops every read of the caller's memory.
  bool Build(engine::Engine& engine, const S3Request& request, CallerMemory& body_memory);

  aws_http_message* message() const { return message_; }
  aws_uri* endpoint() { return &endpoint_; }
  const std::string& host() const { return host_; }
  // The region the request is to be signed for.
  const std::string& region() const { return region_; }
  uint16_t port() const { return port_; }
  std::string authority() const { return host_ + ":" + std::to_string(port_); }

 private:
  aws_http_message* message_ = nullptr;
  aws_input_stream* body_stream_ = nullptr;
  aws_uri endpoint_{};
  bool endpoint_parsed_ = false;
  std::string host_;
  uint16_t port_ = 0;
  std::string region_;
};

}  // namespace s3fs
