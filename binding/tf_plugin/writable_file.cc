#include "tf_plugin/writable_file.h"

#include <algorithm>

#include "fs/read_range_operation.h"

namespace s3fs::tensorflow_plugin {

namespace {
constexpr uint64_t kMinPartSize = 5ull * 1024 * 1024;
constexpr uint64_t kMaxCopyPartSize = 5ull * 1024 * 1024 * 1024;
constexpr size_t kPartsInFlight = 4;
}  // namespace

engine::Status WritableFile::Open(S3Filesystem& fs, const ObjectPath& path, bool append,
                                  std::unique_ptr<WritableFile>& file) {
  if (path.key.empty()) return engine::Status::Error("EISDIR", "a bucket root is a directory");
  FileInfo info;
  engine::Status status = fs.Stat(path, info);
  if (status.ok() && info.is_directory) return engine::Status::Error("EISDIR", "is a directory");
  if (!status.ok() && status.code != "ENOENT") return status;
  std::unique_ptr<WritableFile> opened(new WritableFile(fs, path));
  if (append && status.ok()) {
    opened->committed_ = true;
    opened->committed_size_ = opened->size_ = info.size;
    opened->committed_etag_ = info.etag;
    if (info.size > 0 && info.size < kMinPartSize) {
      opened->small_committed_.resize(info.size);
      auto read = std::make_shared<ReadRangeOperation>(fs.engine().engine(), path, opened->small_committed_.data(),
                                                       info.size, 0, info.etag);
      engine::Status read_status = fs.engine().Run(read);
      if (!read_status.ok()) return read_status;
    }
  }
  file = std::move(opened);
  return engine::Status::Ok();
}

WritableFile::~WritableFile() {
  FinishAllParts();
  upload_.Abort();
}

engine::Status WritableFile::Fail(engine::Status status) {
  failure_ = status;
  FinishAllParts();
  upload_.Abort();
  parts_.clear();
  return status;
}

engine::Status WritableFile::Append(const char* data, size_t n) {
  if (!failure_.ok()) return failure_;
  const size_t part_size = fs_.engine().config().part_size;
  while (n > 0) {
    size_t take = std::min(n, part_size - std::min(buffer_.size(), part_size));
    buffer_.insert(buffer_.end(), data, data + take);
    data += take;
    n -= take;
    size_ += take;
    dirty_ = true;
    if (buffer_.size() < part_size) continue;
    if (!upload_.active()) {
      engine::Status status = StartUpload();
      if (!status.ok()) return Fail(status);
    }
    while (buffer_.size() >= part_size) {
      std::vector<uint8_t> part(buffer_.begin(), buffer_.begin() + part_size);
      buffer_.erase(buffer_.begin(), buffer_.begin() + part_size);
      engine::Status status = SendPart(std::move(part));
      if (!status.ok()) return Fail(status);
    }
  }
  return engine::Status::Ok();
}

engine::Status WritableFile::StartUpload() {
  // The committed object becomes the first parts by server-side copy, which a checksummed upload
  // does not take: that upload carries no checksum.
  const bool copies_committed = committed_size_ >= kMinPartSize;
  engine::Status status = fs_.upload_checksum().Send([&](ChecksumAlgorithm checksum, bool& acknowledged) {
    return MultipartUpload::Create(fs_.engine(), path_, copies_committed ? ChecksumAlgorithm::kNone : checksum, upload_,
                                   &acknowledged);
  });
  if (!status.ok()) return status;
  if (copies_committed) {
    for (uint64_t first = 0; first < committed_size_; first += kMaxCopyPartSize) {
      CompletedPart part{static_cast<int>(parts_.size()) + 1, "", ""};
      status = upload_.CopyPart(part.number, path_, first, std::min(committed_size_, first + kMaxCopyPartSize) - 1,
                                committed_etag_, &part.etag);
      if (!status.ok()) return status;
      parts_.push_back(std::move(part));
    }
  } else if (!small_committed_.empty()) {
    buffer_.insert(buffer_.begin(), small_committed_.begin(), small_committed_.end());
    small_committed_.clear();
  }
  return status;
}

engine::Status WritableFile::SendPart(std::vector<uint8_t> data) {
  if (in_flight_.size() >= kPartsInFlight) {
    engine::Status status = FinishOldestPart();
    if (!status.ok()) return status;
  }
  auto part = std::make_unique<PartInFlight>();
  part->number = static_cast<int>(parts_.size() + in_flight_.size()) + 1;
  part->data = std::move(data);
  part->pending = upload_.StartPart(part->number, part->data.data(), part->data.size(), &part->checksum);
  in_flight_.push_back(std::move(part));
  return engine::Status::Ok();
}

engine::Status WritableFile::FinishOldestPart() {
  std::unique_ptr<PartInFlight> part = std::move(in_flight_.front());
  in_flight_.pop_front();
  engine::Status status = part->pending.Wait();
  if (status.ok()) parts_.push_back({part->number, MultipartUpload::PartEtag(part->pending), part->checksum});
  return status;
}

engine::Status WritableFile::FinishAllParts() {
  engine::Status first_error;
  while (!in_flight_.empty()) {
    engine::Status status = FinishOldestPart();
    if (!status.ok() && first_error.ok()) first_error = status;
  }
  return first_error;
}

engine::Status WritableFile::Commit() {
  engine::Status status;
  if (upload_.active() || committed_size_ >= kMinPartSize) {
    if (!upload_.active()) status = StartUpload();
    if (status.ok() && !buffer_.empty()) status = SendPart(std::move(buffer_));
    if (status.ok()) status = FinishAllParts();
    std::string etag;
    if (status.ok()) status = upload_.Complete(parts_, &etag);
    if (!status.ok()) return status;
    parts_.clear();
    small_committed_.clear();
    committed_etag_ = etag;
  } else {
    std::vector<uint8_t> body = std::move(small_committed_);
    body.insert(body.end(), buffer_.begin(), buffer_.end());
    status = fs_.upload_checksum().Send([&](ChecksumAlgorithm checksum, bool& acknowledged) {
      return PutObject(fs_.engine(), path_, body.data(), body.size(), checksum, &committed_etag_, &acknowledged);
    });
    if (!status.ok()) return status;
    small_committed_.clear();
    if (body.size() < kMinPartSize) small_committed_ = std::move(body);
  }
  buffer_.clear();
  committed_ = true;
  committed_size_ = size_;
  dirty_ = false;
  return status;
}

engine::Status WritableFile::Flush() {
  if (!failure_.ok()) return failure_;
  if (committed_ && !dirty_) return engine::Status::Ok();
  engine::Status status = Commit();
  return status.ok() ? status : Fail(status);
}

engine::Status WritableFile::Close() { return Flush(); }

}  // namespace s3fs::tensorflow_plugin
