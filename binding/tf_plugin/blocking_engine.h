#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "engine/config.h"
#include "engine/engine.h"
#include "engine/latch.h"
#include "engine/status.h"
#include "ops/operation.h"
#include "ops/s3_request.h"

namespace s3fs::tensorflow_plugin {

// The engine as TensorFlow's threads use it: TensorFlow calls a filesystem from its own threads and
// expects each call to return with the result, so a call starts operations on the CRT and blocks
// its caller (never a CRT thread) until they finish. Several may be started before waiting.
class BlockingEngine {
 public:
  class Pending {
   public:
    // Blocks until the operation has finished; its status.
    engine::Status Wait();
    Operation& operation() const { return *operation_; }

   private:
    friend class BlockingEngine;
    std::shared_ptr<Operation> operation_;
    std::shared_ptr<engine::Latch> done_;
  };

  static std::unique_ptr<BlockingEngine> Create(engine::Config config, engine::Status& error);
  ~BlockingEngine();
  BlockingEngine(const BlockingEngine&) = delete;
  BlockingEngine& operator=(const BlockingEngine&) = delete;

  engine::Engine& engine() { return *engine_; }
  const engine::Config& config() const { return engine_->config(); }

  Pending Start(std::shared_ptr<Operation> operation);
  engine::Status Run(std::shared_ptr<Operation> operation) { return Start(std::move(operation)).Wait(); }
  // One S3 request; a non-2xx answer is an error. The response (headers, small body) on success.
  engine::Status Request(S3Request request, S3Response* response = nullptr);

  // Whether the server refused DeleteObjects once (GCS's XML API has none): keys are then deleted
  // one DELETE each, without asking again.
  bool batch_delete_refused() const { return batch_delete_refused_.load(std::memory_order_relaxed); }
  void RefuseBatchDelete() { batch_delete_refused_.store(true, std::memory_order_relaxed); }

 private:
  BlockingEngine() = default;
  void OnFinished(Operation* operation);

  std::mutex mutex_;
  std::unordered_map<Operation*, std::shared_ptr<engine::Latch>> waiting_;
  std::unique_ptr<engine::Engine> engine_;
  std::atomic<bool> batch_delete_refused_{false};
};

}  // namespace s3fs::tensorflow_plugin
