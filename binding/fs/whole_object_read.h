#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "fs/fs_operation.h"
#include "ops/checksum.h"

namespace s3fs {

// A whole object, read in ranged parts into a destination a subclass provides (memory, a file).
// The first part is a ranged GET whose headers give the object's size and ETag; the destination is
// made then, before its body arrives, so a small object costs one request, and the other parts are
// sent then too, while the first part's body streams. Several in flight on pooled connections, the
// parts stream their bodies straight to their offsets, every later one pinned to that ETag
// (If-Match). An object replaced mid-read is read again from the start, so the result is never a
// mix of two versions.
// The result is checked against the object's stored checksum, when it keeps a full-object one: a
// ranged GET does not report it, so a HEAD asks for it while the first part streams. Each part's
// CRC is computed as its body arrives, on the thread that receives it, of the algorithm the object
// is expected to keep (CRC64NVME, S3's default, until the HEAD has said); a part whose CRC turns out
// to be of another algorithm is read back from the destination once the algorithm is known. The
// CRCs are combined in order at the end; a SHA-256 is computed over the whole result at the end.
class WholeObjectRead : public FsOperation {
 public:
  void Start() override;
  uint64_t size() const { return size_; }

 protected:
  WholeObjectRead(engine::Engine& engine, ObjectPath path) : FsOperation(engine, std::move(path)) {}

  // Before each try: forget what an earlier try wrote; the failure when that cannot be done.
  virtual engine::Status ResetDestination() = 0;
  // Room for an object of `size` (once per try, on a CRT thread); the failure when there is none.
  virtual engine::Status PrepareDestination(uint64_t size) = 0;
  // Points a request's body at [offset, offset + length) of the destination.
  virtual void Target(S3Request& request, uint64_t offset, size_t length) = 0;
  // What a part's answer says: the destination may have failed to take its bytes.
  virtual engine::Status StatusOfPart(const S3Response& response);
  // Adds [offset, offset + length) of the destination, as it now holds it, to `checksum`.
  virtual engine::Status AddToChecksum(uint64_t offset, size_t length, RunningChecksum& checksum) = 0;
  // The read ended: the whole object is in the destination when `status` is ok (an empty object
  // was never given a destination). ENOENT: there is no such object.
  virtual void Conclude(engine::Status status) = 0;

 private:
  static constexpr int kMaxAttempts = 3;

  void Attempt();
  // Called as the first part's body begins: makes the destination and says where the body goes,
  // and how many other parts to send now.
  // `ask_checksum`: the answer did not say the object's stored checksum, and it is wanted.
  void ChooseFirstTarget(const S3Response& response, S3Request& request, size_t& other_parts, bool& ask_checksum);
  void OnFirstPart(const S3Response& response);
  void ConfirmEmpty();
  void SendNextPart();
  void SendChecksumHead();
  void OnChecksumHead(const S3Response& response);
  // With parts_mutex_ held: whether the last part or answer has come in.
  bool AllIn() const;
  void OnPart(const S3Response& response, size_t length, uint64_t offset);
  void ChecksumPart(uint64_t offset, size_t length);
  // With parts_mutex_ held: where the body of the part at `offset` is checksummed as it arrives;
  // none when nothing will be checked or the stored checksum is a SHA-256.
  RunningChecksum* StreamedChecksum(uint64_t offset);
  void OnAllParts();
  engine::Status Verify();

  uint64_t size_ = 0;
  int attempts_ = 0;

  std::mutex parts_mutex_;
  std::string etag_;
  // Why the first part's body had nowhere to go, when it had not.
  engine::Status preparation_failure_;
  // Zero until the first part's answer has made the destination (a body byte has arrived, so it is
  // at least 1 then). After that the other parts write into it too, and a retried try of the first
  // part may only reuse it.
  size_t first_part_size_ = 0;
  uint64_t next_offset_ = 0;
  uint64_t received_ = 0;
  size_t in_flight_parts_ = 0;
  engine::Status failure_;
  // The object's stored full-object checksum, once known; none when it keeps none (or a composite).
  std::optional<StoredChecksum> stored_checksum_;
  bool stored_checksum_known_ = false;
  // Each part's checksum by offset, computed as the part completes once the algorithm is known;
  // parts that completed before stay listed in unchecked_parts_ until then.
  std::map<uint64_t, RunningChecksum> part_checksums_;
  std::map<uint64_t, size_t> unchecked_parts_;
  // Each part's checksum as its body arrived (map nodes stay put while requests write to them).
  std::map<uint64_t, RunningChecksum> streamed_checksums_;
};

}  // namespace s3fs
