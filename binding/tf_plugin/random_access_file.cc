#include "tf_plugin/random_access_file.h"

#include <algorithm>
#include <deque>

#include "engine/large_buffers.h"
#include "fs/read_file_operation.h"
#include "fs/read_range_operation.h"

namespace s3fs::tensorflow_plugin {

namespace {
constexpr int kAttempts = 3;
}

engine::Status RandomAccessFile::Open(S3Filesystem& fs, const ObjectPath& path,
                                      std::unique_ptr<RandomAccessFile>& file) {
  FileInfo info;
  engine::Status status = fs.Stat(path, info);
  if (!status.ok()) return status;
  if (info.is_directory) return engine::Status::Error("EISDIR", "is a directory");
  if (!fs.engine().config().verify_checksums) info.checksum.reset();
  file.reset(new RandomAccessFile(fs, path, info));
  return status;
}

engine::Status RandomAccessFile::Read(uint64_t offset, size_t n, char* buffer, size_t& bytes_read) const {
  engine::Status status = ReadBytes(offset, n, buffer, bytes_read);
  if (!status.ok()) return status;
  std::string message;
  if (whole_read_check_.Observe(offset, buffer, bytes_read, message) != WholeReadCheck::Verdict::kDiffers) return status;
  bytes_read = 0;
  return Mismatch(message);
}

engine::Status RandomAccessFile::Mismatch(const std::string& message) const {
  FileInfo now;
  engine::Status status = fs_.Stat(path_, now);
  if (status.ok() && now.etag != etag_) {
    return engine::Status::Error("ESTALE", "the object was replaced while it was read; what was read is not one version of it");
  }
  return engine::Status::Error("EBADMSG", message);
}

engine::Status RandomAccessFile::ReadBytes(uint64_t offset, size_t n, char* buffer, size_t& bytes_read) const {
  bytes_read = 0;
  if (n > 2 * fs_.engine().config().part_size) return ReadInParts(offset, n, buffer, bytes_read);
  engine::Status status;
  if (read_ahead_.Read(offset, n, buffer, bytes_read, status)) return status;
  auto operation = std::make_shared<ReadRangeOperation>(fs_.engine().engine(), path_, reinterpret_cast<uint8_t*>(buffer),
                                                        n, offset, "");
  status = fs_.engine().Run(operation);
  if (status.ok()) bytes_read = operation->bytes_read();
  return status;
}

engine::Status RandomAccessFile::ReadInParts(uint64_t offset, size_t n, char* buffer, size_t& bytes_read) const {
  const engine::Config& config = fs_.engine().config();
  engine::Status status;
  for (int attempt = 0; attempt < kAttempts; attempt++) {
    FileInfo info;
    status = fs_.Stat(path_, info);
    if (!status.ok()) return status;
    if (info.is_directory) return engine::Status::Error("EISDIR", "is a directory");
    if (offset >= info.size) return engine::Status::Ok();
    size_t wanted = static_cast<size_t>(std::min<uint64_t>(n, info.size - offset));
    std::deque<BlockingEngine::Pending> in_flight;
    size_t received = 0;
    status = engine::Status::Ok();
    auto finish_oldest = [&] {
      BlockingEngine::Pending pending = std::move(in_flight.front());
      in_flight.pop_front();
      engine::Status part = pending.Wait();
      if (!part.ok() && status.ok()) status = part;
      if (part.ok()) received += static_cast<ReadRangeOperation&>(pending.operation()).bytes_read();
    };
    for (size_t start = 0; start < wanted && status.ok(); start += config.part_size) {
      if (in_flight.size() >= config.parts_in_flight) finish_oldest();
      size_t length = std::min(config.part_size, wanted - start);
      auto operation = std::make_shared<ReadRangeOperation>(
          fs_.engine().engine(), path_, reinterpret_cast<uint8_t*>(buffer) + start, length, offset + start, info.etag);
      in_flight.push_back(fs_.engine().Start(std::move(operation)));
    }
    while (!in_flight.empty()) finish_oldest();
    if (status.ok()) {
      bytes_read = received;
      return status;
    }
    if (status.code != "ESTALE") return status;
  }
  return status;
}

engine::Status MemoryRegion::Open(S3Filesystem& fs, const ObjectPath& path, std::unique_ptr<MemoryRegion>& region) {
  auto operation = std::make_shared<ReadFileOperation>(fs.engine().engine(), path);
  engine::Status status = fs.engine().Run(operation);
  if (!status.ok()) return status;
  uint64_t size = operation->size();
  uint8_t* data = operation->ReleaseData();
  if (size == 0) {
    if (data != nullptr) engine::FreeLargeBuffer(data, size);
    return engine::Status::Error("EINVAL", "the file is empty");
  }
  region.reset(new MemoryRegion(data, size));
  return status;
}

MemoryRegion::~MemoryRegion() { engine::FreeLargeBuffer(data_, size_); }

}  // namespace s3fs::tensorflow_plugin
