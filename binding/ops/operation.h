#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_set>

#include "engine/status.h"
#include "ops/s3_call.h"

namespace s3fs::engine {
class Engine;
}

namespace s3fs {

// The base of every filesystem operation: a chain of S3 requests ending in one Status. Requests
// run on CRT threads; continuations run there too and never block. Cancel finishes the operation
// at once with the reason: the request in flight is cancelled and stops touching the caller's
// memory, and the request in flight keeps the operation alive until the CRT has let go of it.
class Operation : public std::enable_shared_from_this<Operation> {
 public:
  explicit Operation(engine::Engine& engine) : engine_(engine) {}
  virtual ~Operation() = default;
  Operation(const Operation&) = delete;
  Operation& operator=(const Operation&) = delete;

  // Called once, on the JS thread.
  virtual void Start() = 0;

  void Cancel(engine::Status reason);
  const engine::Status& status() const { return status_; }
  // Body bytes moved so far by the requests that count them (transfers): read from the JS thread.
  uint64_t bytes_moved() const { return bytes_moved_.load(std::memory_order_relaxed); }

 protected:
  using Continuation = std::function<void(S3Response&)>;

  // Sends one request and continues with its response, unless the operation was cancelled.
  // Several may be in flight at once; their continuations then run concurrently. A request S3
  // refuses as signed for the wrong region is sent once more, for the bucket's region.
  void Send(S3Request request, Continuation then);
  // The first call decides the outcome; later ones (a continuation after a cancel) are ignored.
  void Finish(engine::Status status);
  // Finishes with the error the response describes.
  void Fail(const S3Response& response);

  engine::Engine& engine_;
  std::atomic<uint64_t> bytes_moved_{0};

 private:
  void SendTry(S3Request request, Continuation then, bool redirected);

  engine::Status status_;
  std::atomic<bool> finished_{false};
  std::mutex mutex_;
  std::unordered_set<S3Call*> in_flight_;
  std::optional<engine::Status> cancel_reason_;
};

engine::Status StatusOf(const S3Response& response);

}  // namespace s3fs
