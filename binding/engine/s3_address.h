#pragma once

#include <cstdint>
#include <string>

#include "engine/config.h"

namespace s3fs::engine {

// Where one bucket's requests go (lib/addressing.ts decides the same for the JS backend).
struct S3Address {
  std::string host;
  // 0: the scheme's default.
  uint16_t port = 0;
  // host/bucket/key rather than bucket.host/key.
  bool path_style = false;
};

// S3's host in `region`, in the partition the region belongs to:
// s3[-fips][.dualstack].REGION.amazonaws.com[.cn].
std::string AwsS3Host(const std::string& region, bool dualstack, bool fips);

// The configured endpoint, or AWS's in `region`, addressed as the configuration's style asks: `auto`
// is virtual-hosted on AWS when the bucket is a DNS label TLS wildcards cover, path-style elsewhere.
S3Address AddressOf(const Config& config, const std::string& region, const std::string& bucket);

}  // namespace s3fs::engine
