#include "tf_plugin/environment_config.h"

#include <aws/common/encoding.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "tf_plugin/profile_settings.h"

namespace s3fs::tensorflow_plugin {

namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// Empty is "no opinion" (-1); 0, false, no and off are false; anything else is true.
int FlagValue(std::string value) {
  value = Lower(std::move(value));
  if (value.empty()) return -1;
  return value == "0" || value == "false" || value == "no" || value == "off" ? 0 : 1;
}

int Flag(const char* name) { return FlagValue(Env(name)); }

// The bounds are the widest values the fields (and lib/config.ts, which refuses the same) hold.
constexpr uint64_t kMaxTimeoutMs = (1ull << 31) - 1;
constexpr uint64_t kMaxCount = (1ull << 32) - 1;
constexpr uint64_t kMaxThreads = (1ull << 16) - 1;
constexpr uint64_t kMaxPartSize = 5ull << 30;
constexpr uint64_t kUnbounded = (1ull << 53) - 1;

bool Integer(const char* name, uint64_t min, uint64_t max, uint64_t& out, engine::Status& error) {
  std::string value = Env(name);
  if (value.empty()) return true;
  char* end = nullptr;
  errno = 0;
  unsigned long long n = std::strtoull(value.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || !std::isdigit(static_cast<unsigned char>(value[0])) || n < min || n > max) {
    std::string range = max == kUnbounded ? "of at least " + std::to_string(min)
                                          : "from " + std::to_string(min) + " to " + std::to_string(max);
    error = engine::Status::Error("EINVAL", std::string(name) + " must be an integer " + range + ", got " + value);
    return false;
  }
  out = n;
  return true;
}

// host[:port] or http(s)://host[:port]; -1 for https when the scheme does not say. `source` names
// the variable in a refusal.
bool ParseEndpoint(const std::string& source, const std::string& text, engine::Config& config, int& https,
                   engine::Status& error) {
  std::string rest = text;
  https = -1;
  size_t scheme_end = rest.find("://");
  if (scheme_end != std::string::npos) {
    std::string scheme = Lower(rest.substr(0, scheme_end));
    if (scheme != "http" && scheme != "https") {
      error = engine::Status::Error("EINVAL", source + " scheme must be http or https: " + text);
      return false;
    }
    https = scheme == "https" ? 1 : 0;
    rest = rest.substr(scheme_end + 3);
  }
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty() || rest.find('/') != std::string::npos) {
    error = engine::Status::Error("EINVAL", source + " must be host:port or a URL without a path: " + text);
    return false;
  }
  size_t colon = rest.rfind(':');
  bool bracketed = rest.front() == '[';
  if (colon != std::string::npos && (!bracketed || rest[colon - 1] == ']')) {
    std::string port = rest.substr(colon + 1);
    char* end = nullptr;
    long n = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || n <= 0 || n > 65535) {
      error = engine::Status::Error("EINVAL", source + " has an invalid port: " + text);
      return false;
    }
    config.endpoint_port = static_cast<uint16_t>(n);
    rest = rest.substr(0, colon);
  }
  if (bracketed && rest.size() > 2 && rest.back() == ']') rest = rest.substr(1, rest.size() - 2);
  if (rest.empty()) {
    error = engine::Status::Error("EINVAL", source + " names no host: " + text);
    return false;
  }
  config.endpoint_host = rest;
  return true;
}

// Bytes a base64 text decodes to; 0 when it is not base64.
size_t DecodedLength(const std::string& text) {
  aws_byte_cursor encoded = aws_byte_cursor_from_array(text.data(), text.size());
  size_t length = 0;
  if (aws_base64_compute_decoded_len(&encoded, &length) != AWS_OP_SUCCESS) return 0;
  std::string decoded(length, '\0');
  aws_byte_buf output = aws_byte_buf_from_empty_array(decoded.data(), decoded.size());
  const size_t decoded_length = aws_base64_decode(&encoded, &output) == AWS_OP_SUCCESS ? output.len : 0;
  aws_byte_buf_secure_zero(&output);
  return decoded_length;
}

int LogLevel(engine::Status& error) {
  static const char* kNames[] = {"off", "fatal", "error", "warn", "info", "debug", "trace"};
  constexpr int kHighest = 4;
  std::string value = Lower(Env("AWS_LOG_LEVEL"));
  if (value.empty()) return 0;
  for (int i = 0; i < 7; i++) {
    if (value == kNames[i]) return std::min(i, kHighest);
  }
  char* end = nullptr;
  long n = std::strtol(value.c_str(), &end, 10);
  if (*end == '\0' && n >= 0) return n > kHighest ? kHighest : static_cast<int>(n);
  error = engine::Status::Error("EINVAL", "AWS_LOG_LEVEL must be off, fatal, error, warn, info, debug or trace, got " + value);
  return 0;
}

}  // namespace

PluginConfig ConfigFromEnvironment(engine::Status& error) {
  PluginConfig plugin;
  engine::Config& config = plugin.engine;
  error = engine::Status::Ok();
  const ProfileSettings profile;
  std::string region;
  for (const char* name : {"AWS_REGION", "S3_REGION", "AWS_DEFAULT_REGION"}) {
    region = Env(name);
    if (!region.empty()) break;
  }
  if (region.empty()) region = profile.Get("region");
  if (!region.empty()) config.region = region;

  // TensorFlow's S3_ENDPOINT, then as the AWS CLI, as lib/addressing.ts reads them.
  std::string endpoint_source = "S3_ENDPOINT";
  std::string endpoint = Env("S3_ENDPOINT");
  int ignore_configured = Flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  if (ignore_configured == -1) ignore_configured = FlagValue(profile.Get("ignore_configured_endpoint_urls"));
  if (endpoint.empty() && ignore_configured != 1) {
    for (const char* name : {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
      endpoint = Env(name);
      endpoint_source = name;
      if (!endpoint.empty()) break;
    }
    if (endpoint.empty()) {
      endpoint = profile.ServicesEndpoint();
      endpoint_source = "the s3 endpoint_url of the services section profile '" + profile.name() + "' names";
    }
    if (endpoint.empty()) {
      endpoint = profile.Get("endpoint_url");
      endpoint_source = "endpoint_url of profile '" + profile.name() + "'";
    }
  }
  int endpoint_https = -1;
  if (!endpoint.empty() && !ParseEndpoint(endpoint_source, endpoint, config, endpoint_https, error)) return plugin;
  int use_https = Flag("S3_USE_HTTPS");
  config.use_https = endpoint_https != -1 ? endpoint_https == 1 : use_https != 0;
  config.verify_ssl = Flag("S3_VERIFY_SSL") != 0;

  std::string style = Env("S3FS_ADDRESSING_STYLE");
  if (style.empty()) style = profile.S3("addressing_style");
  if (style == "virtual") {
    config.addressing_style = engine::AddressingStyle::kVirtual;
  } else if (style == "path") {
    config.addressing_style = engine::AddressingStyle::kPath;
  } else if (!style.empty() && style != "auto") {
    error = engine::Status::Error("EINVAL", "S3FS_ADDRESSING_STYLE (or the profile's s3 addressing_style) must be auto, virtual or path, got " + style);
    return plugin;
  }
  int dualstack = Flag("AWS_USE_DUALSTACK_ENDPOINT");
  if (dualstack == -1) dualstack = FlagValue(profile.S3("use_dualstack_endpoint"));
  if (dualstack == -1) dualstack = FlagValue(profile.Get("use_dualstack_endpoint"));
  config.use_dualstack = dualstack == 1;
  int fips = Flag("AWS_USE_FIPS_ENDPOINT");
  if (fips == -1) fips = FlagValue(profile.Get("use_fips_endpoint"));
  config.use_fips = fips == 1;

  std::string ca_source = "S3_CA_FILE";
  config.ca_file = Env("S3_CA_FILE");
  if (config.ca_file.empty()) {
    ca_source = "AWS_CA_BUNDLE";
    config.ca_file = Env("AWS_CA_BUNDLE");
  }
  if (config.ca_file.empty()) {
    ca_source = "the profile's ca_bundle";
    config.ca_file = profile.Get("ca_bundle");
  }
  if (config.use_https && !config.ca_file.empty() && access(config.ca_file.c_str(), R_OK) != 0) {
    error = engine::Status::Error(errno == EACCES ? "EACCES" : "ENOENT",
                                  ca_source + " names " + config.ca_file + ", which cannot be read");
    return plugin;
  }

  uint64_t n = 0;
  n = config.connect_timeout_ms;
  if (!Integer("S3_CONNECT_TIMEOUT_MSEC", 1, kMaxTimeoutMs, n, error)) return plugin;
  config.connect_timeout_ms = static_cast<uint32_t>(n);
  n = config.request_timeout_ms;
  if (!Integer("S3_REQUEST_TIMEOUT_MSEC", 1, kMaxTimeoutMs, n, error)) return plugin;
  config.request_timeout_ms = static_cast<uint32_t>(n);
  n = config.part_size;
  if (!Integer("S3FS_PART_SIZE", 5 * 1024 * 1024, kMaxPartSize, n, error)) return plugin;
  config.part_size = n;
  n = 16;
  if (!Integer("S3FS_MAX_CONNECTIONS", 1, kMaxCount, n, error)) return plugin;
  config.max_connections = static_cast<uint32_t>(n);
  n = config.parts_in_flight;
  if (!Integer("S3FS_PARTS_IN_FLIGHT", 1, kMaxCount, n, error)) return plugin;
  config.parts_in_flight = static_cast<uint32_t>(n);
  n = config.read_ahead_bytes;
  if (!Integer("S3FS_READ_AHEAD", 0, kUnbounded, n, error)) return plugin;
  config.read_ahead_bytes = n;
  n = config.pool_connections;
  if (!Integer("S3FS_POOL_CONNECTIONS", 1, kMaxCount, n, error)) return plugin;
  config.pool_connections = n;
  n = std::max(1u, std::thread::hardware_concurrency());
  if (!Integer("S3FS_IO_THREADS", 1, kMaxThreads, n, error)) return plugin;
  config.event_loop_threads = static_cast<uint16_t>(n);
  n = 5;
  if (!Integer("S3FS_MAX_RETRIES", 1, kMaxCount, n, error)) return plugin;
  config.max_retries = static_cast<uint32_t>(n);

  const std::string checksum = Env("S3FS_CHECKSUM");
  if (!checksum.empty()) {
    std::optional<ChecksumAlgorithm> algorithm = ChecksumAlgorithmNamed(checksum);
    if (!algorithm) {
      error = engine::Status::Error("EINVAL", "S3FS_CHECKSUM must be one of crc64nvme, crc32c, crc32, sha256, off, got " + checksum);
      return plugin;
    }
    plugin.upload_checksum = *algorithm;
  }
  config.verify_checksums = plugin.upload_checksum != ChecksumAlgorithm::kNone;

  const std::string payer = Env("S3FS_REQUEST_PAYER");
  if (!payer.empty() && payer != "requester") {
    error = engine::Status::Error("EINVAL", "S3FS_REQUEST_PAYER can only be requester, got " + payer);
    return plugin;
  }
  config.requester_pays = payer == "requester";
  config.sse_kms_key_id = Env("S3FS_SSE_KMS_KEY_ID");
  config.server_side_encryption = Env("S3FS_SSE");
  if (config.server_side_encryption.empty() && !config.sse_kms_key_id.empty()) config.server_side_encryption = "aws:kms";
  const std::string& sse = config.server_side_encryption;
  if (!sse.empty() && sse != "AES256" && sse != "aws:kms" && sse != "aws:kms:dsse") {
    error = engine::Status::Error("EINVAL", "S3FS_SSE must be one of AES256, aws:kms, aws:kms:dsse, got " + sse);
    return plugin;
  }
  if (!config.sse_kms_key_id.empty() && sse.rfind("aws:kms", 0) != 0) {
    error = engine::Status::Error("EINVAL", "S3FS_SSE_KMS_KEY_ID needs S3FS_SSE aws:kms or aws:kms:dsse, not " + sse);
    return plugin;
  }
  config.sse_customer_key = Env("S3FS_SSE_CUSTOMER_KEY");
  if (!config.sse_customer_key.empty()) {
    // Never quoted in a refusal: the key is a secret.
    const size_t length = DecodedLength(config.sse_customer_key);
    if (length != 32) {
      error = engine::Status::Error("EINVAL", "the SSE-C key must be 32 bytes (base64 in S3FS_SSE_CUSTOMER_KEY), got " + std::to_string(length));
      return plugin;
    }
    if (!sse.empty()) {
      error = engine::Status::Error("EINVAL", "SSE-C (a customer key) and S3FS_SSE cannot both be set");
      return plugin;
    }
  }

  // Signed requests take their credentials from the CRT's default chain, which reads its own variables.
  config.unsigned_requests = Flag("AWS_NO_SIGN_REQUEST") == 1;
  config.log_level = LogLevel(error);
  return plugin;
}

}  // namespace s3fs::tensorflow_plugin
