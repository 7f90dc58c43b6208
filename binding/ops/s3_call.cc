#include "ops/s3_call.h"

#include <algorithm>
#include <cctype>
#include <cerrno>

#include <unistd.h>

#include "engine/engine.h"
#include "ops/meta_request_call.h"
#include "ops/pooled_call.h"

namespace s3fs {

std::string S3Response::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

S3Call::S3Call(engine::Engine& engine, S3Request request, Done done)
    : engine_(engine), request_(std::move(request)), done_(std::move(done)) {}

S3Call::~S3Call() { engine_.EndCall(); }

S3Call* S3Call::Start(engine::Engine& engine, S3Request request, Done done, S3Response& refusal) {
  if (!engine.BeginCall()) {
    refusal.crt_error = AWS_ERROR_S3_CANCELED;
    return nullptr;
  }
  S3Call* call;
  if (request.type == AWS_S3_META_REQUEST_TYPE_DEFAULT) {
    call = new PooledCall(engine, std::move(request), std::move(done));
  } else {
    call = new MetaRequestCall(engine, std::move(request), std::move(done));
  }
  if (!call->Begin(refusal)) {
    delete call;
    return nullptr;
  }
  return call;
}

void S3Call::StoreHeader(aws_byte_cursor name, aws_byte_cursor value) {
  std::string lower(reinterpret_cast<const char*>(name.ptr), name.len);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  response_.headers.emplace_back(std::move(lower), std::string(reinterpret_cast<const char*>(value.ptr), value.len));
}

void S3Call::StoreBody(aws_byte_cursor body, uint64_t at) {
  if (request_.choose_dest && response_.bytes_received == 0) {
    request_.dest = nullptr;
    request_.dest_fd = -1;
    request_.choose_dest(response_, request_);
  }
  if (request_.collect_body) {
    response_.body.append(reinterpret_cast<const char*>(body.ptr), body.len);
  } else if (request_.dest != nullptr) {
    caller_memory_.CopyIn(request_.dest, request_.dest_size, at, body.ptr, body.len);
  } else if (request_.dest_fd >= 0) {
    WriteToFile(body, request_.dest_fd_offset + at);
  }
  if (request_.body_checksum != nullptr) {
    if (response_.bytes_received == 0) *request_.body_checksum = RunningChecksum(request_.body_checksum->algorithm());
    request_.body_checksum->Update(body.ptr, body.len);
  }
  response_.bytes_received += body.len;
  if (request_.moved != nullptr) request_.moved->fetch_add(body.len, std::memory_order_relaxed);
}

void S3Call::WriteToFile(aws_byte_cursor body, uint64_t at) {
  size_t written = 0;
  while (written < body.len) {
    ssize_t n = pwrite(request_.dest_fd, body.ptr + written, body.len - written, static_cast<off_t>(at + written));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (response_.file_error == 0) response_.file_error = n < 0 ? errno : EIO;
      return;
    }
    written += static_cast<size_t>(n);
  }
}

void S3Call::Cancel() {
  caller_memory_.Revoke();
  CancelTransport();
}

void S3Call::Complete() {
  done_(response_);
  delete this;
}

}  // namespace s3fs
