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
  GiveUp("refuses S3 checksum headers (" + (status.s3_code.empty() ? "HTTP " + std::to_string(status.http_status) : status.s3_code) +
         ")");
  return true;
}

void UploadChecksum::GiveUp(const std::string& why) {
  if (given_up_.exchange(true)) return;
  std::fprintf(stderr, "s3fs-native: %s %s: uploads to it are sent without checksums from now on\n", endpoint_.c_str(),
               why.c_str());
}

engine::Status UploadChecksum::Send(const std::function<engine::Status(ChecksumAlgorithm, bool&)>& send) {
  const ChecksumAlgorithm algorithm = this->algorithm();
  bool acknowledged = true;
  engine::Status status = send(algorithm, acknowledged);
  if (algorithm == ChecksumAlgorithm::kNone) return status;
  if (status.ok()) {
    if (!acknowledged) GiveUp("accepted an upload's checksum without acknowledging it, so it does not check checksums");
    return status;
  }
  if (!Refused(status)) return status;
  return send(ChecksumAlgorithm::kNone, acknowledged);
}

}  // namespace s3fs::tensorflow_plugin
