#include "tf_plugin/blocking_engine.h"

#include <chrono>

#include "fs/request_operation.h"

namespace s3fs::tensorflow_plugin {

std::unique_ptr<BlockingEngine> BlockingEngine::Create(engine::Config config, engine::Status& error) {
  std::unique_ptr<BlockingEngine> blocking(new BlockingEngine());
  BlockingEngine* self = blocking.get();
  blocking->engine_ =
      engine::Engine::Create(std::move(config), [self](Operation* operation) { self->OnFinished(operation); }, error);
  if (!blocking->engine_) return nullptr;
  return blocking;
}

BlockingEngine::~BlockingEngine() {
  if (!engine_) return;
  if (!engine_->StopAndWait(std::chrono::milliseconds(1000))) engine::Engine::DestroyWhenIdle(std::move(engine_));
}

void BlockingEngine::OnFinished(Operation* operation) {
  std::shared_ptr<engine::Latch> done;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = waiting_.find(operation);
    if (found == waiting_.end()) return;
    done = std::move(found->second);
    waiting_.erase(found);
  }
  done->Signal();
}

BlockingEngine::Pending BlockingEngine::Start(std::shared_ptr<Operation> operation) {
  Pending pending;
  pending.operation_ = std::move(operation);
  pending.done_ = std::make_shared<engine::Latch>();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    waiting_.emplace(pending.operation_.get(), pending.done_);
  }
  pending.operation_->Start();
  return pending;
}

engine::Status BlockingEngine::Pending::Wait() {
  done_->Wait();
  return operation_->status();
}

engine::Status BlockingEngine::Request(S3Request request, S3Response* response) {
  auto operation = std::make_shared<RequestOperation>(*engine_, std::move(request));
  engine::Status status = Run(operation);
  if (status.ok() && response != nullptr) *response = operation->response();
  return status;
}

}  // namespace s3fs::tensorflow_plugin
