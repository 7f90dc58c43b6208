#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/credentials_fetcher.h"

namespace s3fs::engine {

// Everything the engine needs, resolved once by lib/config.ts from the environment and constructor
// options. Nothing in the native layer reads the environment itself.
struct StaticCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
};

enum class AddressingStyle { kAuto, kVirtual, kPath };

struct Config {
  std::string region = "us-east-1";
  // Empty for AWS; otherwise the custom endpoint's host and port (0: the scheme's).
  std::string endpoint_host;
  uint16_t endpoint_port = 0;
  AddressingStyle addressing_style = AddressingStyle::kAuto;
  // AWS's IPv6 and FIPS endpoints (not for a custom endpoint).
  bool use_dualstack = false;
  bool use_fips = false;
  bool use_https = true;
  bool verify_ssl = true;
  std::string ca_file;
  uint32_t connect_timeout_ms = 3000;
  // A connection that moves no bytes for this long (rounded up to whole seconds) fails; 0: never.
  uint32_t request_timeout_ms = 30000;
  size_t part_size = 8 * 1024 * 1024;
  uint32_t max_connections = 0;
  // Ranged parts of one whole-object read in flight at once.
  uint32_t parts_in_flight = 8;
  // Bytes a sequential reader fetches ahead (the TensorFlow plugin's files; lib/ has its own).
  size_t read_ahead_bytes = 64 * 1024 * 1024;
  // Kept-alive connections per server for single requests (stat, list, ranged reads, ...).
  size_t pool_connections = 64;
  double throughput_target_gbps = 10.0;
  uint16_t event_loop_threads = 0;
  uint32_t max_retries = 0;
  // Whole-object reads check the bytes against the object's stored checksum, when it has one.
  bool verify_checksums = true;

  // Sent with every request: the requester pays (requester-pays buckets).
  bool requester_pays = false;
  // What writes ask S3 to encrypt with: AES256 (SSE-S3), aws:kms, aws:kms:dsse; empty: the bucket's default.
  std::string server_side_encryption;
  std::string sse_kms_key_id;
  // SSE-C: the customer's 256-bit key and its MD5, both base64; empty: none. A secret, as keys are.
  std::string sse_customer_key;
  std::string sse_customer_key_md5;

  // The first of these that is set decides; none: the CRT's default chain.
  bool unsigned_requests = false;
  std::optional<StaticCredentials> static_credentials;
  std::shared_ptr<CredentialsFetcher> credentials_fetcher;
  // The default chain's profile; empty: AWS_PROFILE, else "default".
  std::string profile_name;

  int log_level = 0;
};

}  // namespace s3fs::engine
