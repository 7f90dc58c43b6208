#pragma once

#include <string>

namespace s3fs::engine {

// The outcome of an operation as JS sees it: a Node-style code, the S3 error code and HTTP status
// when a server gave them, and a message that never contains a secret. lib/errors.ts adds the URL.
struct Status {
  std::string code;
  std::string s3_code;
  int http_status = 0;
  std::string message;

  bool ok() const { return code.empty(); }

  static Status Ok() { return {}; }
  static Status Error(std::string code, std::string message) {
    Status s;
    s.code = std::move(code);
    s.message = std::move(message);
    return s;
  }
};

// The one place where S3 error codes, HTTP statuses and CRT error codes become Node-style codes.
std::string CodeForS3Error(const std::string& s3_code, int http_status);
Status StatusFromHttp(int http_status, const std::string& error_body);
Status StatusFromCrtError(int crt_error);

}  // namespace s3fs::engine
