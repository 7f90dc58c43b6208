#pragma once

#include "engine/config.h"
#include "ops/s3_request.h"

namespace s3fs {

// The headers the configuration asks requests of each kind to carry, whoever built the request
// (lib/js/request-options.ts does the same for the JS backend):
// - x-amz-request-payer on every request (requester-pays buckets);
// - x-amz-server-side-encryption (and its KMS key id) where an object is created: PutObject,
//   CopyObject, CreateMultipartUpload;
// - the SSE-C customer key wherever an object's data or metadata is read or written: GET, HEAD,
//   PutObject, CopyObject, CreateMultipartUpload, UploadPart, CompleteMultipartUpload; and as the copy
//   source's key on copies (the filesystem has one key).
HeaderList ConfiguredHeaders(const engine::Config& config, const S3Request& request);

}  // namespace s3fs
