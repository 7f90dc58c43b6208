#include "tf_plugin/whole_read_check.h"

namespace s3fs::tensorflow_plugin {

namespace {

std::optional<StoredChecksum> FullObjectChecksum(const FileInfo& info) {
  if (!info.checksum || !info.checksum->full_object) return std::nullopt;
  return info.checksum;
}

}  // namespace

WholeReadCheck::WholeReadCheck(const FileInfo& opened) : stored_(FullObjectChecksum(opened)), size_(opened.size) {}

WholeReadCheck::Verdict WholeReadCheck::Observe(uint64_t offset, const char* data, size_t n, std::string& message) {
  if (!stored_) return Verdict::kUnchecked;
  std::lock_guard<std::mutex> lock(mutex_);
  if (offset == 0) {
    running_.emplace(stored_->algorithm);
  } else if (!running_ || running_->length() != offset) {
    running_.reset();
    return Verdict::kUnchecked;
  }
  running_->Update(reinterpret_cast<const uint8_t*>(data), n);
  if (running_->length() < size_) return Verdict::kUnchecked;
  const bool whole = running_->length() == size_;
  const std::string computed = running_->Finish();
  running_.reset();
  // Past the end seen at open: the object grew or was replaced meanwhile; its checksum is not this one.
  if (!whole) return Verdict::kUnchecked;
  if (computed == stored_->value) return Verdict::kMatches;
  message = "the bytes read do not match the object's stored " + std::string(ChecksumWireName(stored_->algorithm)) +
            " checksum (stored " + stored_->value + ", read " + computed + ")";
  return Verdict::kDiffers;
}

}  // namespace s3fs::tensorflow_plugin
