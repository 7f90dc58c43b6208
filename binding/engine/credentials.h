#pragma once

#include "engine/config.h"

struct aws_allocator;
struct aws_client_bootstrap;
struct aws_credentials_provider;

namespace s3fs::engine {

// Where the engine's requests get their credentials: none (unsigned requests), static keys, the
// embedder's fetcher (in Node, the provider the JS backend uses too), else the CRT's default chain
// (the TensorFlow plugin). Null, with the CRT error raised, when the provider cannot be made.
aws_credentials_provider* NewCredentialsProvider(aws_allocator* allocator, const Config& config,
                                                 aws_client_bootstrap* bootstrap);

}  // namespace s3fs::engine
