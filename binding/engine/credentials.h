#pragma once

#include "engine/config.h"

struct aws_allocator;
struct aws_client_bootstrap;
struct aws_credentials_provider;

namespace s3fs::engine {

// The credentials chain TensorFlow's users know: explicit or environment keys (resolved by
// lib/config.ts), then the shared profile files, then the instance role; anonymous when unsigned
// requests were asked for. Null when no source can possibly provide credentials.
aws_credentials_provider* NewCredentialsProvider(aws_allocator* allocator, const Config& config,
                                                 aws_client_bootstrap* bootstrap);

}  // namespace s3fs::engine
