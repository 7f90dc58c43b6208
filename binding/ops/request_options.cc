#include "ops/request_options.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace s3fs {

namespace {

bool HasParameter(const std::string& query, std::string_view name) {
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string_view parameter(query.data() + start, end - start);
    if (parameter.substr(0, parameter.find('=')) == name) return true;
    start = end + 1;
  }
  return false;
}

bool HasHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [header, value] : headers) {
    if (header.size() == name.size() && std::equal(header.begin(), header.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        })) {
      return true;
    }
  }
  return false;
}

void AddCustomerKey(const engine::Config& config, const char* prefix, HeaderList& headers) {
  const std::string p(prefix);
  headers.emplace_back(p + "server-side-encryption-customer-algorithm", "AES256");
  headers.emplace_back(p + "server-side-encryption-customer-key", config.sse_customer_key);
  headers.emplace_back(p + "server-side-encryption-customer-key-md5", config.sse_customer_key_md5);
}

}  // namespace

HeaderList ConfiguredHeaders(const engine::Config& config, const S3Request& request) {
  HeaderList headers;
  if (config.requester_pays) headers.emplace_back("x-amz-request-payer", "requester");
  if (request.key.empty() || request.method == "DELETE") return headers;

  const bool is_copy = HasHeader(request.headers, "x-amz-copy-source");
  bool creates = false;
  bool customer_key = false;
  if (request.method == "GET" || request.method == "HEAD") {
    customer_key = request.query.empty() || HasParameter(request.query, "versionId");
  } else if (request.method == "PUT") {
    const bool part = HasParameter(request.query, "partNumber");
    creates = !part && request.query.empty();
    customer_key = part || request.query.empty();
  } else if (request.method == "POST") {
    creates = HasParameter(request.query, "uploads");
    customer_key = creates || HasParameter(request.query, "uploadId");
  }
  if (creates && !config.server_side_encryption.empty()) {
    headers.emplace_back("x-amz-server-side-encryption", config.server_side_encryption);
    if (!config.sse_kms_key_id.empty()) {
      headers.emplace_back("x-amz-server-side-encryption-aws-kms-key-id", config.sse_kms_key_id);
    }
  }
  if (customer_key && !config.sse_customer_key.empty()) {
    AddCustomerKey(config, "x-amz-", headers);
    if (is_copy) AddCustomerKey(config, "x-amz-copy-source-", headers);
  }
  return headers;
}

}  // namespace s3fs
