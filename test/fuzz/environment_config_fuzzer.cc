// The TensorFlow plugin's configuration, read from the environment as TensorFlow users set it.
// The input is split at NUL bytes into the variables' values (empty: unset). A configuration that
// is accepted is usable (numbers in range, not wrapped into the field), one that is refused says
// which variable, and the secret key and the session token never change a message.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "tf_plugin/environment_config.h"

namespace {

const char* const kVariables[] = {
    "S3_ENDPOINT", "S3_USE_HTTPS", "S3_VERIFY_SSL", "AWS_REGION", "S3_CONNECT_TIMEOUT_MSEC",
    "S3_REQUEST_TIMEOUT_MSEC", "S3FS_PART_SIZE", "S3FS_MAX_CONNECTIONS", "S3FS_PARTS_IN_FLIGHT",
    "S3FS_READ_AHEAD", "S3FS_POOL_CONNECTIONS", "S3FS_IO_THREADS", "S3FS_MAX_RETRIES", "AWS_LOG_LEVEL",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_NO_SIGN_REQUEST",
    "S3FS_CHECKSUM", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "S3FS_ADDRESSING_STYLE", "AWS_USE_DUALSTACK_ENDPOINT", "AWS_USE_FIPS_ENDPOINT",
    "S3FS_REQUEST_PAYER", "S3FS_SSE", "S3FS_SSE_KMS_KEY_ID", "S3FS_SSE_CUSTOMER_KEY",
};
constexpr size_t kEndpoint = 0;
constexpr size_t kSecret = 15;
constexpr size_t kToken = 16;
constexpr size_t kCustomerKey = 30;

// Another text that is base64 exactly where `text` is: each letter and digit moved one on within its
// kind, '+' and '/' swapped, anything else kept.
std::string SameShape(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>('a' + (c - 'a' + 1) % 26);
    else if (c >= 'A' && c <= 'Z') c = static_cast<char>('A' + (c - 'A' + 1) % 26);
    else if (c >= '0' && c <= '9') c = static_cast<char>('0' + (c - '0' + 1) % 10);
    else if (c == '+') c = '/';
    else if (c == '/') c = '+';
  }
  return text;
}

void SetEnvironment(const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); i++) {
    if (values[i].empty()) unsetenv(kVariables[i]);
    else setenv(kVariables[i], values[i].c_str(), 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The fuzzer's own environment must not leak in; HOME only names the profile files.
  for (const char* name : kVariables) unsetenv(name);
  unsetenv("S3_REGION");
  unsetenv("S3_CA_FILE");
  unsetenv("AWS_CA_BUNDLE");
  unsetenv("AWS_CONFIG_FILE");
  setenv("HOME", "/nonexistent", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> values(std::size(kVariables));
  const std::string input(reinterpret_cast<const char*>(data), size);
  size_t start = 0;
  for (size_t i = 0; i < values.size() && start <= input.size(); i++) {
    size_t end = input.find('\0', start);
    if (end == std::string::npos) end = input.size();
    values[i] = input.substr(start, end - start);
    start = end + 1;
  }
  SetEnvironment(values);
  s3fs::engine::Status error;
  const s3fs::tensorflow_plugin::PluginConfig plugin = s3fs::tensorflow_plugin::ConfigFromEnvironment(error);
  const s3fs::engine::Config& config = plugin.engine;

  // Secrets leave no trace: other secrets of the same presence give the same outcome, word for word.
  // The SSE-C key is checked for its size and base64, so its stand-in keeps both.
  std::vector<std::string> other_secrets = values;
  for (size_t secret : {kSecret, kToken}) {
    if (!other_secrets[secret].empty()) other_secrets[secret] += "!";
  }
  other_secrets[kCustomerKey] = SameShape(values[kCustomerKey]);
  SetEnvironment(other_secrets);
  s3fs::engine::Status other_error;
  s3fs::tensorflow_plugin::ConfigFromEnvironment(other_error);
  FUZZ_CHECK(other_error.code == error.code && other_error.message == error.message);

  if (!error.ok()) {
    FUZZ_CHECK(error.code == "EINVAL" || error.code == "ENOENT" || error.code == "EACCES");
    bool names_a_variable = false;
    for (const char* name : kVariables) names_a_variable = names_a_variable || error.message.find(name) != std::string::npos;
    FUZZ_CHECK(names_a_variable);
    return 0;
  }
  FUZZ_CHECK(config.connect_timeout_ms >= 1);
  FUZZ_CHECK(config.part_size >= 5 * 1024 * 1024);
  FUZZ_CHECK(config.max_connections >= 1 && config.parts_in_flight >= 1 && config.pool_connections >= 1);
  FUZZ_CHECK(config.event_loop_threads >= 1 && config.max_retries >= 1);
  FUZZ_CHECK(config.log_level >= 0 && config.log_level <= 4);
  if (!values[kEndpoint].empty()) FUZZ_CHECK(!config.endpoint_host.empty());
  FUZZ_CHECK(!config.region.empty());
  FUZZ_CHECK(config.verify_checksums == (plugin.upload_checksum != s3fs::ChecksumAlgorithm::kNone));
  // Keys, like every other credential source, are the CRT default chain's to read, when it signs.
  FUZZ_CHECK(!config.static_credentials.has_value() && config.credentials_fetcher == nullptr);
  return 0;
}
