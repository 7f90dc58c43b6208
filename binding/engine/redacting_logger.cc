#include "engine/redacting_logger.h"

#include <aws/auth/auth.h>

#include <algorithm>
#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <vector>

namespace s3fs::engine {

namespace {

constexpr const char* kMask = "<redacted>";

bool EndsValue(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == '&' || c == ';' || c == '"';
}

// Case-insensitive search from `from`.
size_t FindNoCase(const std::string& text, const std::string& needle, size_t from) {
  auto it = std::search(text.begin() + static_cast<std::ptrdiff_t>(from), text.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b)); });
  return it == text.end() ? std::string::npos : static_cast<size_t>(it - text.begin());
}

// Masks what follows each occurrence of `name` and a separator, up to the end of the value.
void MaskAfter(std::string& text, const std::string& name, bool whole_line) {
  for (size_t at = FindNoCase(text, name, 0); at != std::string::npos; at = FindNoCase(text, name, at + 1)) {
    size_t start = at + name.size();
    while (start < text.size() && text[start] == ' ') ++start;
    // Only a value given to the name counts: "Credential=...", "X-Amz-Security-Token: ...".
    if (start == text.size() || (text[start] != ':' && text[start] != '=')) continue;
    while (start < text.size() && (text[start] == ':' || text[start] == '=' || text[start] == ' ')) ++start;
    size_t end = start;
    while (end < text.size() && text[end] != '\n' && (whole_line || !EndsValue(text[end]))) ++end;
    if (end > start) text.replace(start, end - start, kMask);
  }
}

}  // namespace

std::string RedactSecrets(std::string line) {
  MaskAfter(line, "authorization", true);
  for (const char* name : {"credential", "signature", "x-amz-security-token", "server-side-encryption-customer-key"}) {
    MaskAfter(line, name, false);
  }
  return line;
}

bool RedactingLogger::Install(aws_allocator* allocator, aws_log_level level) {
  aws_logger_standard_options options{};
  options.level = level;
  options.file = stderr;
  if (aws_logger_init_standard(&standard_, allocator, &options) != AWS_OP_SUCCESS) return false;
  static aws_logger_vtable vtable = {&RedactingLogger::Log, &RedactingLogger::GetLogLevel, &RedactingLogger::CleanUp,
                                     &RedactingLogger::SetLogLevel};
  redacting_.vtable = &vtable;
  redacting_.allocator = allocator;
  redacting_.p_impl = this;
  aws_logger_set(&redacting_);
  installed_ = true;
  return true;
}

void RedactingLogger::Uninstall() {
  if (!installed_) return;
  aws_logger_set(nullptr);
  aws_logger_clean_up(&standard_);
  installed_ = false;
}

int RedactingLogger::Log(aws_logger* logger, aws_log_level level, aws_log_subject_t subject, const char* format, ...) {
  if (subject == AWS_LS_AUTH_SIGNING) return AWS_OP_SUCCESS;
  va_list args;
  va_start(args, format);
  va_list measure;
  va_copy(measure, args);
  const int length = std::vsnprintf(nullptr, 0, format, measure);
  va_end(measure);
  if (length < 0) {
    va_end(args);
    return AWS_OP_ERR;
  }
  std::vector<char> text(static_cast<size_t>(length) + 1);
  std::vsnprintf(text.data(), text.size(), format, args);
  va_end(args);
  const std::string line = RedactSecrets(std::string(text.data(), static_cast<size_t>(length)));
  aws_logger* standard = &static_cast<RedactingLogger*>(logger->p_impl)->standard_;
  return standard->vtable->log(standard, level, subject, "%s", line.c_str());
}

aws_log_level RedactingLogger::GetLogLevel(aws_logger* logger, aws_log_subject_t subject) {
  // Asked before a line is formatted: the signing subject is never even formatted.
  if (subject == AWS_LS_AUTH_SIGNING) return AWS_LL_NONE;
  aws_logger* standard = &static_cast<RedactingLogger*>(logger->p_impl)->standard_;
  return standard->vtable->get_log_level(standard, subject);
}

void RedactingLogger::CleanUp(aws_logger*) {}

int RedactingLogger::SetLogLevel(aws_logger* logger, aws_log_level level) {
  aws_logger* standard = &static_cast<RedactingLogger*>(logger->p_impl)->standard_;
  return standard->vtable->set_log_level(standard, level);
}

}  // namespace s3fs::engine
