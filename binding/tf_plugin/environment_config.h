#pragma once

#include "engine/config.h"
#include "engine/status.h"
#include "ops/checksum.h"

namespace s3fs::tensorflow_plugin {

// Inside TensorFlow there is no JS to resolve the configuration, so the plugin reads the same
// environment variables lib/config.ts reads, with the same defaults and the same refusals:
// TensorFlow's S3_ENDPOINT, S3_USE_HTTPS, S3_VERIFY_SSL, AWS_REGION and credentials, and ours.
struct PluginConfig {
  engine::Config engine;
  // What every upload carries for the server to verify (S3FS_CHECKSUM); lib/ names it per request.
  ChecksumAlgorithm upload_checksum = ChecksumAlgorithm::kCrc64Nvme;
};

PluginConfig ConfigFromEnvironment(engine::Status& error);

}  // namespace s3fs::tensorflow_plugin
