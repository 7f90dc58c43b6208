#include "engine/s3_address.h"

#include <cctype>

namespace s3fs::engine {

namespace {

// Virtual-hosted addressing needs the bucket to be a DNS label that TLS wildcards cover.
bool VirtualHostable(const std::string& bucket) {
  if (bucket.empty() || bucket.size() > 63) return false;
  for (unsigned char c : bucket) {
    if (!(std::islower(c) || std::isdigit(c) || c == '-')) return false;
  }
  return true;
}

}  // namespace

std::string AwsS3Host(const std::string& region, bool dualstack, bool fips) {
  const bool china = region.rfind("cn-", 0) == 0;
  return std::string(fips ? "s3-fips" : "s3") + (dualstack ? ".dualstack" : "") + "." + region +
         (china ? ".amazonaws.com.cn" : ".amazonaws.com");
}

S3Address AddressOf(const Config& config, const std::string& region, const std::string& bucket) {
  const bool custom = !config.endpoint_host.empty();
  S3Address address;
  address.host = custom ? config.endpoint_host : AwsS3Host(region, config.use_dualstack, config.use_fips);
  address.port = config.endpoint_port;
  switch (config.addressing_style) {
    case AddressingStyle::kPath:
      address.path_style = true;
      break;
    case AddressingStyle::kVirtual:
      address.path_style = bucket.empty();
      break;
    case AddressingStyle::kAuto:
      address.path_style = custom || !VirtualHostable(bucket);
      break;
  }
  if (!address.path_style) address.host = bucket + "." + address.host;
  return address;
}

}  // namespace s3fs::engine
