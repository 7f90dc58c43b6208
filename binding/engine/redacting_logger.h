#pragma once

#include <aws/common/logging.h>

#include <string>

namespace s3fs::engine {

// The CRT's standard logger to stderr behind a filter that never lets a credential through: the
// signing subject (canonical requests, authorization values) is dropped at every level, and any
// line that still names a credential, a signature or a security token has the value masked.
class RedactingLogger {
 public:
  bool Install(aws_allocator* allocator, aws_log_level level);
  void Uninstall();

 private:
  static int Log(aws_logger* logger, aws_log_level level, aws_log_subject_t subject, const char* format, ...);
  static aws_log_level GetLogLevel(aws_logger* logger, aws_log_subject_t subject);
  static void CleanUp(aws_logger* logger);
  static int SetLogLevel(aws_logger* logger, aws_log_level level);

  aws_logger standard_{};
  aws_logger redacting_{};
  bool installed_ = false;
};

// Masks the values after Credential=, Signature=, X-Amz-Signature=, X-Amz-Credential= and
// X-Amz-Security-Token (as a header or a query parameter), and after an Authorization header.
std::string RedactSecrets(std::string line);

}  // namespace s3fs::engine
