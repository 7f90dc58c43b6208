#pragma once

#include "fs/fs_operation.h"

namespace s3fs {

// One S3 request as the caller describes it (method, query, headers, body), for the operations
// composed in lib/ from S3's own API: copies, multipart uploads, batched deletes. The response's
// headers and (small, XML) body come back; a non-2xx status is an error like any other.
class RequestOperation : public Operation {
 public:
  RequestOperation(engine::Engine& engine, S3Request request) : Operation(engine), request_(std::move(request)) {}
  void Start() override;
  const S3Response& response() const { return response_; }

 private:
  S3Request request_;
  S3Response response_;
};

}  // namespace s3fs
