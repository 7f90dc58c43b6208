#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "engine/credentials_fetcher.h"

namespace s3fs::napi {

// The engine's way to the JS credentials provider (lib/credentials.ts): a fetch asked for on any
// thread calls the provider on the JS thread, through a thread-safe function, and ends when its
// Promise settles. The JS thread never waits for the engine, nor the engine's loops for JS.
class JsCredentialsFetcher : public engine::CredentialsFetcher,
                             public std::enable_shared_from_this<JsCredentialsFetcher> {
 public:
  static std::shared_ptr<JsCredentialsFetcher> New(Napi::Env env, Napi::Function provider);
  ~JsCredentialsFetcher() override;

  void Fetch(Done done) override;
  // Called on the JS thread before the environment's thread-safe functions are torn down.
  void Cancel() override;

 private:
  struct Call {
    std::weak_ptr<JsCredentialsFetcher> fetcher;
    uint64_t id;
  };
  static void CallProvider(Napi::Env env, Napi::Function provider, std::nullptr_t*, Call* call);
  using ProviderCalls = Napi::TypedThreadSafeFunction<std::nullptr_t, Call, &JsCredentialsFetcher::CallProvider>;

  JsCredentialsFetcher() = default;
  void Finish(uint64_t id, std::optional<engine::FetchedCredentials> result);
  void ReleaseCallsLocked();

  std::mutex mutex_;
  // Under mutex_: fetches waiting for JS, and whether the thread-safe function is still there.
  struct SyncedData {
    ProviderCalls calls;
    bool released = false;
    uint64_t next_id = 1;
    std::unordered_map<uint64_t, Done> pending;
  } synced_data_;
};

}  // namespace s3fs::napi
