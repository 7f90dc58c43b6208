#include "ops/meta_request_call.h"

#include <aws/http/request_response.h>
#include <aws/s3/s3_client.h>

#include "engine/engine.h"

namespace s3fs {

namespace {

aws_s3_checksum_algorithm CrtChecksumAlgorithm(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
      return AWS_SCA_CRC32;
    case ChecksumAlgorithm::kCrc32c:
      return AWS_SCA_CRC32C;
    case ChecksumAlgorithm::kCrc64Nvme:
      return AWS_SCA_CRC64NVME;
    case ChecksumAlgorithm::kSha256:
      return AWS_SCA_SHA256;
    case ChecksumAlgorithm::kNone:
      break;
  }
  return AWS_SCA_NONE;
}

}  // namespace

bool MetaRequestCall::Begin(S3Response& refusal) {
  if (!message_.Build(engine_, request_, caller_memory_)) {
    refusal.crt_error = aws_last_error();
    return false;
  }
  response_.authority = message_.authority();
  response_.region = message_.region();
  signing_ = *engine_.signing_config();
  signing_.region = aws_byte_cursor_from_array(message_.region().data(), message_.region().size());
  aws_s3_meta_request_options options{};
  options.signing_config = &signing_;
  options.type = request_.type;
  options.message = message_.message();
  options.endpoint = message_.endpoint();
  options.user_data = this;
  options.headers_callback = &MetaRequestCall::OnHeaders;
  options.body_callback = &MetaRequestCall::OnBody;
  options.finish_callback = &MetaRequestCall::OnFinish;
  options.shutdown_callback = &MetaRequestCall::OnShutdown;
  aws_s3_checksum_config checksum{};
  if (request_.upload_checksum != ChecksumAlgorithm::kNone) {
    checksum.location = AWS_SCL_HEADER;
    checksum.checksum_algorithm = CrtChecksumAlgorithm(request_.upload_checksum);
    options.checksum_config = &checksum;
  }
  aws_s3_meta_request_resume_token* resume = nullptr;
  if (!request_.upload_id.empty()) {
    aws_s3_upload_resume_token_options upload{};
    upload.upload_id = aws_byte_cursor_from_c_str(request_.upload_id.c_str());
    upload.part_size = request_.part_size;
    upload.total_num_parts = (request_.body_size + request_.part_size - 1) / request_.part_size;
    resume = aws_s3_meta_request_resume_token_new_upload(engine_.allocator(), &upload);
    if (resume == nullptr) {
      refusal.crt_error = aws_last_error();
      return false;
    }
    options.resume_token = resume;
  }

  // Held across the start so that a finish callback arriving at once sees meta_request_ set.
  std::lock_guard<std::mutex> lock(mutex_);
  meta_request_ = aws_s3_client_make_meta_request(engine_.client(), &options);
  aws_s3_meta_request_resume_token_release(resume);
  if (meta_request_ == nullptr) {
    refusal.crt_error = aws_last_error();
    return false;
  }
  return true;
}

// Cancelled under the lock, without a reference of its own: OnFinish cannot release the meta
// request meanwhile, and this thread never holds the last reference. Holding one could make its
// release here destroy the meta request, run Complete on the caller's thread, and take the
// operation's lock the caller (Operation::Cancel) already holds: a deadlock of the JS thread, found
// by the fuzz test's live signals. aws_s3_meta_request_cancel only schedules work, calling nothing back.
void MetaRequestCall::CancelTransport() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (meta_request_ != nullptr) aws_s3_meta_request_cancel(meta_request_);
}

int MetaRequestCall::OnHeaders(aws_s3_meta_request*, const aws_http_headers* headers, int status, void* user_data) {
  auto* self = static_cast<MetaRequestCall*>(user_data);
  self->response_.http_status = status;
  const size_t count = aws_http_headers_count(headers);
  for (size_t i = 0; i < count; ++i) {
    aws_http_header header;
    if (aws_http_headers_get_index(headers, i, &header) == AWS_OP_SUCCESS) self->StoreHeader(header.name, header.value);
  }
  return AWS_OP_SUCCESS;
}

int MetaRequestCall::OnBody(aws_s3_meta_request*, const aws_byte_cursor* body, uint64_t range_start, void* user_data) {
  auto* self = static_cast<MetaRequestCall*>(user_data);
  // Bodies arrive in order, each with its offset in the object.
  self->StoreBody(*body, range_start);
  return AWS_OP_SUCCESS;
}

void MetaRequestCall::OnFinish(aws_s3_meta_request*, const aws_s3_meta_request_result* result, void* user_data) {
  auto* self = static_cast<MetaRequestCall*>(user_data);
  self->response_.crt_error = result->error_code;
  if (result->response_status != 0) self->response_.http_status = result->response_status;
  // A refusal's headers (x-amz-bucket-region, for one) come only with the result.
  if (result->error_response_headers != nullptr && self->response_.headers.empty()) {
    const size_t count = aws_http_headers_count(result->error_response_headers);
    for (size_t i = 0; i < count; ++i) {
      aws_http_header header;
      if (aws_http_headers_get_index(result->error_response_headers, i, &header) == AWS_OP_SUCCESS) {
        self->StoreHeader(header.name, header.value);
      }
    }
  }
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

void MetaRequestCall::OnShutdown(void* user_data) { static_cast<MetaRequestCall*>(user_data)->Complete(); }

}  // namespace s3fs
