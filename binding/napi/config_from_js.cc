#include "napi/config_from_js.h"

#include "napi/js_credentials_fetcher.h"

namespace s3fs::napi {

namespace {

std::string String(const Napi::Object& o, const char* name, std::string fallback = {}) {
  Napi::Value v = o.Get(name);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : fallback;
}

double Number(const Napi::Object& o, const char* name, double fallback) {
  Napi::Value v = o.Get(name);
  return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : fallback;
}

bool Bool(const Napi::Object& o, const char* name, bool fallback) {
  Napi::Value v = o.Get(name);
  return v.IsBoolean() ? v.As<Napi::Boolean>().Value() : fallback;
}

}  // namespace

engine::Config ConfigFromJs(const Napi::Object& o) {
  engine::Config c;
  c.region = String(o, "region", c.region);
  c.endpoint_host = String(o, "endpointHost");
  c.endpoint_port = static_cast<uint16_t>(Number(o, "endpointPort", 0));
  const std::string style = String(o, "addressingStyle", "auto");
  c.addressing_style = style == "virtual" ? engine::AddressingStyle::kVirtual
                       : style == "path"  ? engine::AddressingStyle::kPath
                                          : engine::AddressingStyle::kAuto;
  c.use_dualstack = Bool(o, "useDualstack", false);
  c.use_fips = Bool(o, "useFips", false);
  c.use_https = Bool(o, "useHttps", c.use_https);
  c.verify_ssl = Bool(o, "verifySsl", c.verify_ssl);
  c.ca_file = String(o, "caFile");
  c.connect_timeout_ms = static_cast<uint32_t>(Number(o, "connectTimeoutMs", c.connect_timeout_ms));
  c.request_timeout_ms = static_cast<uint32_t>(Number(o, "requestTimeoutMs", 0));
  c.part_size = static_cast<size_t>(Number(o, "partSize", static_cast<double>(c.part_size)));
  c.pool_connections = static_cast<size_t>(Number(o, "poolConnections", static_cast<double>(c.pool_connections)));
  c.parts_in_flight = static_cast<uint32_t>(Number(o, "partsInFlight", c.parts_in_flight));
  c.max_connections = static_cast<uint32_t>(Number(o, "maxConnections", 0));
  c.throughput_target_gbps = Number(o, "throughputTargetGbps", c.throughput_target_gbps);
  c.event_loop_threads = static_cast<uint16_t>(Number(o, "eventLoopThreads", 0));
  c.max_retries = static_cast<uint32_t>(Number(o, "maxRetries", 0));
  c.verify_checksums = String(o, "checksum") != "off";
  c.unsigned_requests = Bool(o, "unsignedRequests", false);
  c.requester_pays = Bool(o, "requesterPays", false);
  c.server_side_encryption = String(o, "serverSideEncryption");
  c.sse_kms_key_id = String(o, "sseKmsKeyId");
  c.sse_customer_key = String(o, "sseCustomerKey");
  c.sse_customer_key_md5 = String(o, "sseCustomerKeyMd5");
  Napi::Value credentials = o.Get("credentials");
  if (credentials.IsObject()) {
    Napi::Object keys = credentials.As<Napi::Object>();
    c.static_credentials = engine::StaticCredentials{String(keys, "accessKeyId"), String(keys, "secretAccessKey"),
                                                     String(keys, "sessionToken")};
  }
  Napi::Value provider = o.Get("credentialsProvider");
  if (provider.IsFunction()) c.credentials_fetcher = JsCredentialsFetcher::New(o.Env(), provider.As<Napi::Function>());
  c.log_level = static_cast<int>(Number(o, "logLevel", 0));
  return c;
}

}  // namespace s3fs::napi
