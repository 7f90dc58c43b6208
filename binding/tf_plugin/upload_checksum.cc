#include "tf_plugin/upload_checksum.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace s3fs::tensorflow_plugin {

namespace {

bool MentionsChecksum(std::string message) {
  std::transform(message.begin(), message.end(), message.begin(), [](unsigned char c) { return std::tolower(c); });
  return message.find("checksum") != std::string::npos;
}

}  // namespace

bool UploadChecksum::Refused(const engine::Status& status) {
  const bool refusal_code = status.s3_code == "InvalidArgument" || status.s3_code == "InvalidRequest" ||
                            status.s3_code == "NotImplemented" || status.s3_code == "XNotImplemented";
  if (status.http_status != 501 && !(status.http_status == 400 && refusal_code && MentionsChecksum(status.message))) {
    return false;
  }
  if (!refused_.exchange(true)) {
    const std::string why = status.s3_code.empty() ? "HTTP " + std::to_string(status.http_status) : status.s3_code;
    std::fprintf(stderr, "s3fs-native: %s refuses S3 checksum headers (%s): uploads to it are sent without checksums from now on\n",
                 endpoint_.c_str(), why.c_str());
  }
  return true;
}

engine::Status UploadChecksum::Send(const std::function<engine::Status(ChecksumAlgorithm)>& send) {
  const ChecksumAlgorithm algorithm = this->algorithm();
  engine::Status status = send(algorithm);
  if (status.ok() || algorithm == ChecksumAlgorithm::kNone || !Refused(status)) return status;
  return send(ChecksumAlgorithm::kNone);
}

}  // namespace s3fs::tensorflow_plugin
