#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "engine/engine.h"
#include "napi/caller_loop_driver.h"
#include "napi/pending_operation.h"

namespace s3fs::napi {

// The JS `Engine` class: one per S3FileSystem. Every method starts a native operation and returns
// its Promise; results come back through one thread-safe function per engine. An environment
// cleanup hook cancels what is in flight and shuts the CRT down, so workers can be terminated.
class EngineWrap : public Napi::ObjectWrap<EngineWrap> {
 public:
  static Napi::Function DefineClass(Napi::Env env);
  explicit EngineWrap(const Napi::CallbackInfo& info);
  ~EngineWrap() override;

 private:
  static void DeliverCompletion(Napi::Env env, Napi::Function, EngineWrap* self, Operation* operation);
  using Completions = Napi::TypedThreadSafeFunction<EngineWrap, Operation, &EngineWrap::DeliverCompletion>;
  static void CleanupHook(void* self);

  Napi::Value Stat(const Napi::CallbackInfo& info);
  Napi::Value ReadFile(const Napi::CallbackInfo& info);
  Napi::Value Read(const Napi::CallbackInfo& info);
  Napi::Value WriteFile(const Napi::CallbackInfo& info);
  Napi::Value ReadDir(const Napi::CallbackInfo& info);
  Napi::Value Remove(const Napi::CallbackInfo& info);
  Napi::Value ListPage(const Napi::CallbackInfo& info);
  Napi::Value Download(const Napi::CallbackInfo& info);
  Napi::Value Upload(const Napi::CallbackInfo& info);
  Napi::Value Request(const Napi::CallbackInfo& info);
  Napi::Value Cancel(const Napi::CallbackInfo& info);
  Napi::Value Progress(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  // Registers and starts an operation; the Promise settles when it finishes.
  Napi::Value Launch(const Napi::CallbackInfo& info, std::shared_ptr<Operation> operation,
                     std::vector<Napi::Reference<Napi::Value>> keep_alive, PendingOperation::ResultToJs to_js);
  void Settle(Napi::Env env, Operation* operation);
  // Settles what finished in a turn of the caller-thread loop, in a callback scope when no JS call
  // is on the stack (so that the promises' reactions run after it).
  void SettleFinishedInTurn(bool from_js_call);
  // Cancels everything in flight and releases every CRT object; `env_alive` is false during
  // environment teardown, when no Promise can be settled any more.
  void Shutdown(bool env_alive);

  // Where operations report completion from CRT threads; detached at shutdown, so that an engine
  // still winding down after its environment is gone reports to no one.
  struct CompletionSink {
    std::mutex mutex;
    EngineWrap* wrap = nullptr;
  };

  // The JS credentials provider's bridge, when the engine has one (ended at shutdown).
  std::shared_ptr<engine::CredentialsFetcher> credentials_fetcher_;
  std::unique_ptr<engine::Engine> engine_;
  CallerLoopDriver caller_loop_driver_;
  std::unique_ptr<Napi::AsyncContext> turn_context_;
  std::vector<Operation*> finished_in_turn_;
  Completions completions_;
  std::shared_ptr<CompletionSink> sink_ = std::make_shared<CompletionSink>();
  std::unordered_map<Operation*, std::unique_ptr<PendingOperation>> pending_;
  std::unordered_map<uint64_t, Operation*> by_id_;
  bool shut_down_ = false;
  bool cleanup_hook_registered_ = false;
};

}  // namespace s3fs::napi
