#include "engine/status.h"

#include <aws/auth/auth.h>
#include <aws/common/error.h>
#include <aws/http/http.h>
#include <aws/io/io.h>
#include <aws/s3/s3.h>

#include <cstring>
#include <string_view>

#include "ops/xml.h"

namespace s3fs::engine {

std::string CodeForS3Error(const std::string& s3_code, int http_status) {
  struct Entry {
    const char* s3_code;
    const char* code;
  };
  static const Entry kByS3Code[] = {
      {"NoSuchKey", "ENOENT"},
      {"NoSuchBucket", "ENOENT"},
      {"NoSuchUpload", "ENOENT"},
      {"NotFound", "ENOENT"},
      {"AccessDenied", "EACCES"},
      {"InvalidAccessKeyId", "EACCES"},
      {"SignatureDoesNotMatch", "EACCES"},
      {"ExpiredToken", "EACCES"},
      {"InvalidToken", "EACCES"},
      {"AllAccessDisabled", "EACCES"},
      {"PreconditionFailed", "ESTALE"},
      {"InvalidRange", "ERANGE"},
      {"BucketNotEmpty", "ENOTEMPTY"},
      {"BucketAlreadyExists", "EEXIST"},
      {"BucketAlreadyOwnedByYou", "EEXIST"},
      {"EntityTooLarge", "EFBIG"},
      {"KeyTooLongError", "ENAMETOOLONG"},
      {"XMinioInvalidObjectName", "EINVAL"},
      {"InvalidArgument", "EINVAL"},
      {"InvalidRequest", "EINVAL"},
      {"InvalidBucketName", "EINVAL"},
      {"SlowDown", "EBUSY"},
      {"ServiceUnavailable", "EBUSY"},
      {"RequestTimeout", "ETIMEDOUT"},
      // The bytes the server received are not the bytes whose checksum was sent.
      {"BadDigest", "EBADMSG"},
      {"InvalidDigest", "EBADMSG"},
      {"XAmzContentChecksumMismatch", "EBADMSG"},
      {"XAmzContentSHA256Mismatch", "EBADMSG"},
  };
  for (const auto& e : kByS3Code) {
    if (s3_code == e.s3_code) return e.code;
  }
  switch (http_status) {
    case 400: return "EINVAL";
    case 401:
    case 403: return "EACCES";
    case 404: return "ENOENT";
    case 409: return "EEXIST";
    case 412: return "ESTALE";
    case 416: return "ERANGE";
    case 429:
    case 503: return "EBUSY";
    default: return "EIO";
  }
}

Status StatusFromHttp(int http_status, const std::string& error_body) {
  Status s;
  s.http_status = http_status;
  s.s3_code = XmlFirstText(error_body, "Code");
  std::string server_message = XmlFirstText(error_body, "Message");
  s.code = CodeForS3Error(s.s3_code, http_status);
  s.message = "HTTP " + std::to_string(http_status);

  if (!s.s3_code.empty()) s.message += " " + s.s3_code;
  if (!server_message.empty()) s.message += ": " + server_message;
  return s;
}

static bool IsTlsError(int e) {
  return e == AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE || e == AWS_IO_TLS_ERROR_NOT_NEGOTIATED ||
         e == AWS_IO_TLS_ERROR_WRITE_FAILURE || e == AWS_IO_TLS_ERROR_ALERT_RECEIVED ||
         e == AWS_IO_TLS_CTX_ERROR || e == AWS_IO_TLS_VERSION_UNSUPPORTED ||
         e == AWS_IO_TLS_CIPHER_PREF_UNSUPPORTED || e == AWS_IO_TLS_ALERT_NOT_GRACEFUL;
}

Status StatusFromCrtError(int crt_error) {
  const char* name = aws_error_name(crt_error);
  const char* text = aws_error_str(crt_error);
  std::string detail = std::string(text) + " (" + name + ")";
  switch (crt_error) {
    case AWS_IO_SOCKET_CONNECTION_REFUSED:
      return Status::Error("ECONNREFUSED", "connection refused: " + detail);
    case AWS_IO_SOCKET_TIMEOUT:
    case AWS_IO_TLS_NEGOTIATION_TIMEOUT:
      return Status::Error("ETIMEDOUT", "timed out: " + detail);
    case AWS_IO_DNS_QUERY_FAILED:
    case AWS_IO_DNS_INVALID_NAME:
    case AWS_IO_DNS_NO_ADDRESS_FOR_HOST:
      return Status::Error("ENOTFOUND", "host not found: " + detail);
    case AWS_IO_SOCKET_CLOSED:
    case AWS_IO_SOCKET_NOT_CONNECTED:
    case AWS_ERROR_HTTP_CONNECTION_CLOSED:
    case AWS_ERROR_HTTP_SERVER_CLOSED:
      return Status::Error("ECONNRESET", "connection closed: " + detail);
    case AWS_ERROR_HTTP_CHANNEL_THROUGHPUT_FAILURE:
      return Status::Error("ETIMEDOUT", "the server stopped sending or receiving data: " + detail);
    case AWS_IO_SOCKET_NETWORK_DOWN:
    case AWS_IO_SOCKET_NO_ROUTE_TO_HOST:
      return Status::Error("ENETUNREACH", "network unreachable: " + detail);
    case AWS_ERROR_HTTP_PROTOCOL_ERROR:
      return Status::Error("EPROTO", "the server's answer is not the HTTP expected (is the endpoint's scheme, or S3_USE_HTTPS, right?): " + detail);
    case AWS_ERROR_S3_CANCELED:
      return Status::Error("ABORT_ERR", "the operation was aborted");
    case AWS_AUTH_SIGNING_NO_CREDENTIALS:
    case AWS_AUTH_SIGNING_INVALID_CREDENTIALS:
    case AWS_AUTH_CREDENTIALS_PROVIDER_INVALID_ENVIRONMENT:
    case AWS_AUTH_CREDENTIALS_PROVIDER_PROFILE_SOURCE_FAILURE:
    case AWS_AUTH_CREDENTIALS_PROVIDER_IMDS_SOURCE_FAILURE:
    case AWS_AUTH_CREDENTIALS_PROVIDER_STS_SOURCE_FAILURE:
    case AWS_AUTH_CREDENTIALS_PROVIDER_HTTP_STATUS_FAILURE:
    case AWS_AUTH_CREDENTIALS_PROVIDER_ECS_SOURCE_FAILURE:
    case AWS_AUTH_CREDENTIALS_PROVIDER_PROCESS_SOURCE_FAILURE:
    case AWS_AUTH_CREDENTIALS_PROVIDER_STS_WEB_IDENTITY_SOURCE_FAILURE:
    case AWS_AUTH_CREDENTIALS_PROVIDER_DELEGATE_FAILURE:
    case AWS_AUTH_CREDENTIALS_PROVIDER_SSO_SOURCE_FAILURE:
    case AWS_AUTH_CREDENTIALS_PROVIDER_ECS_INVALID_TOKEN_FILE_PATH:
    case AWS_AUTH_CREDENTIALS_PROVIDER_ECS_INVALID_HOST:
      // In Node the JS provider says why it found none (lib/credentials.ts); this is what the
      // TensorFlow plugin's default chain tried.
      return Status::Error("ECREDENTIALS",
                           "none of the default chain's sources gave credentials: the environment "
                           "(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), the profile files (AWS_PROFILE, "
                           "AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE), web identity (AWS_WEB_IDENTITY_TOKEN_FILE, "
                           "AWS_ROLE_ARN), the container (AWS_CONTAINER_CREDENTIALS_FULL_URI or _RELATIVE_URI) or the "
                           "EC2 instance role (last failure: " + detail + ")");
    default:
      if (IsTlsError(crt_error)) return Status::Error("EPROTO", "TLS failure: " + detail);
      return Status::Error("EIO", detail);
  }
}

}  // namespace s3fs::engine
