#include "tf_plugin/read_ahead.h"

#include <algorithm>
#include <cstring>

#include "fs/read_range_operation.h"

namespace s3fs::tensorflow_plugin {

ReadAhead::ReadAhead(S3Filesystem& fs, ObjectPath path)
    : fs_(fs),
      path_(std::move(path)),
      chunk_size_(std::max<size_t>(1, std::min(fs.engine().config().part_size, fs.engine().config().read_ahead_bytes))),
      window_(fs.engine().config().read_ahead_bytes / chunk_size_) {}

ReadAhead::~ReadAhead() { Drop(); }

void ReadAhead::Drop() {
  for (auto& chunk : chunks_) {
    if (chunk->finished) continue;
    // Revokes the chunk's memory from the request before the chunk is freed.
    chunk->pending.operation().Cancel(engine::Status::Error("ABORT_ERR", "read-ahead no longer needed"));
    chunk->pending.Wait();
  }
  chunks_.clear();
}

bool ReadAhead::Start(uint64_t offset) {
  FileInfo info;
  if (!fs_.Stat(path_, info).ok() || info.is_directory || info.size <= offset) return false;
  etag_ = info.etag;
  size_ = info.size;
  fetch_offset_ = offset;
  while (chunks_.size() < window_ && fetch_offset_ < size_) FetchNext();
  return true;
}

void ReadAhead::FetchNext() {
  auto chunk = std::make_unique<Chunk>();
  chunk->offset = fetch_offset_;
  size_t length = static_cast<size_t>(std::min<uint64_t>(chunk_size_, size_ - fetch_offset_));
  chunk->data.resize(length);
  chunk->pending = fs_.engine().Start(std::make_shared<ReadRangeOperation>(fs_.engine().engine(), path_,
                                                                           chunk->data.data(), length, fetch_offset_, etag_));
  fetch_offset_ += length;
  chunks_.push_back(std::move(chunk));
}

ReadAhead::Chunk& ReadAhead::Finished(Chunk& chunk) {
  if (!chunk.finished) {
    chunk.status = chunk.pending.Wait();
    if (chunk.status.ok()) chunk.length = static_cast<ReadRangeOperation&>(chunk.pending.operation()).bytes_read();
    chunk.finished = true;
  }
  return chunk;
}

bool ReadAhead::Read(uint64_t offset, size_t n, char* buffer, size_t& bytes_read, engine::Status& status) {
  std::lock_guard<std::mutex> lock(mutex_);
  bool sequential = offset == expected_offset_;
  expected_offset_ = offset + n;
  if (!sequential) run_reads_ = 0;
  if (n >= kMinRunRead) run_reads_++;
  if (!sequential) {
    Drop();
    return false;
  }
  if (window_ == 0 || (chunks_.empty() && (run_reads_ < 2 || !Start(offset)))) return false;
  bytes_read = 0;
  while (bytes_read < n && !chunks_.empty()) {
    Chunk& chunk = Finished(*chunks_.front());
    if (!chunk.status.ok()) {
      engine::Status failure = chunk.status;
      Drop();
      expected_offset_ = UINT64_MAX;
      // A replaced object (ESTALE) is for the caller to read afresh; any other failure is the read's.
      if (failure.code == "ESTALE") return false;
      status = failure;
      return true;
    }
    uint64_t position = offset + bytes_read;
    uint64_t chunk_end = chunk.offset + chunk.length;
    if (position >= chunk_end) {
      bool short_chunk = chunk.length < chunk.data.size();
      chunks_.pop_front();
      if (short_chunk) break;
      if (fetch_offset_ < size_) FetchNext();
      continue;
    }
    size_t take = static_cast<size_t>(std::min<uint64_t>(n - bytes_read, chunk_end - position));
    std::memcpy(buffer + bytes_read, chunk.data.data() + (position - chunk.offset), take);
    bytes_read += take;
  }
  if (bytes_read < n) {
    // Past what was there when prefetching started: read directly, the file may have grown.
    auto rest = std::make_shared<ReadRangeOperation>(fs_.engine().engine(), path_,
                                                     reinterpret_cast<uint8_t*>(buffer) + bytes_read, n - bytes_read,
                                                     offset + bytes_read, "");
    status = fs_.engine().Run(rest);
    if (!status.ok()) return true;
    bytes_read += rest->bytes_read();
  }
  status = engine::Status::Ok();
  return true;
}

}  // namespace s3fs::tensorflow_plugin
