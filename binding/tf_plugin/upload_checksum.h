#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "engine/status.h"
#include "ops/checksum.h"

namespace s3fs::tensorflow_plugin {

// The checksum the plugin's uploads carry (S3FS_CHECKSUM), until the server shows it has no use for
// them: several S3-compatible services answer a request that carries one with 501, or 400 and a
// message about the checksum (the request is then sent again without); others accept and ignore
// it, and do not acknowledge it as S3 does. Either way, once, a line on stderr, and no upload of
// this filesystem carries one again; a write never fails for it. lib/checksum-support.ts does the
// same for Node.
class UploadChecksum {
 public:
  UploadChecksum(ChecksumAlgorithm configured, std::string endpoint)
      : configured_(configured), endpoint_(std::move(endpoint)) {}

  ChecksumAlgorithm algorithm() const { return given_up_.load() ? ChecksumAlgorithm::kNone : configured_; }
  // Runs `send` with the checksum of the moment; again, with none, when the server refused it.
  // `send` clears `acknowledged` when the server's answer did not acknowledge a checksum it carried.
  engine::Status Send(const std::function<engine::Status(ChecksumAlgorithm checksum, bool& acknowledged)>& send);

 private:
  bool Refused(const engine::Status& status);
  void GiveUp(const std::string& why);

  const ChecksumAlgorithm configured_;
  const std::string endpoint_;
  std::atomic<bool> given_up_{false};
};

}  // namespace s3fs::tensorflow_plugin
