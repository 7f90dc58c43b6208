#include "napi/js_credentials_fetcher.h"

#include <cmath>
#include <utility>
#include <vector>

namespace s3fs::napi {

namespace {

std::optional<std::string> NonEmptyString(const Napi::Object& o, const char* name) {
  Napi::Value v = o.Get(name);
  if (!v.IsString()) return std::nullopt;
  std::string s = v.As<Napi::String>().Utf8Value();
  if (s.empty()) return std::nullopt;
  return s;
}

// lib/credentials.ts has checked the shape; anything else is no credentials.
std::optional<engine::FetchedCredentials> CredentialsFromJs(const Napi::Value& value) {
  if (!value.IsObject()) return std::nullopt;
  Napi::Object o = value.As<Napi::Object>();
  std::optional<std::string> key_id = NonEmptyString(o, "accessKeyId");
  std::optional<std::string> secret = NonEmptyString(o, "secretAccessKey");
  if (!key_id || !secret) return std::nullopt;
  engine::FetchedCredentials credentials{std::move(*key_id), std::move(*secret), NonEmptyString(o, "sessionToken").value_or(""),
                                         std::nullopt};
  Napi::Value expiration = o.Get("expiration");
  if (expiration.IsDate()) {
    const double ms = expiration.As<Napi::Date>().ValueOf();
    if (!std::isfinite(ms) || ms < 0) return std::nullopt;
    // Rounded up: the engine, counting in seconds, must not find them due before the JS provider does.
    credentials.expiration_seconds = static_cast<uint64_t>(std::ceil(ms / 1000));
  }
  return credentials;
}

}  // namespace

std::shared_ptr<JsCredentialsFetcher> JsCredentialsFetcher::New(Napi::Env env, Napi::Function provider) {
  std::shared_ptr<JsCredentialsFetcher> fetcher(new JsCredentialsFetcher());
  fetcher->synced_data_.calls = ProviderCalls::New(env, provider, "s3fs-native credentials", 0, 1);
  // A provider call in flight belongs to an operation, which keeps the loop alive on its own.
  fetcher->synced_data_.calls.Unref(env);
  return fetcher;
}

JsCredentialsFetcher::~JsCredentialsFetcher() {
  std::lock_guard<std::mutex> lock(mutex_);
  ReleaseCallsLocked();
}

void JsCredentialsFetcher::ReleaseCallsLocked() {
  if (synced_data_.released) return;
  synced_data_.released = true;
  synced_data_.calls.Release();
}

void JsCredentialsFetcher::Fetch(Done done) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (synced_data_.released) {
    lock.unlock();
    done(std::nullopt);
    return;
  }
  const uint64_t id = synced_data_.next_id++;
  synced_data_.pending.emplace(id, std::move(done));
  // Under the lock: Cancel cannot release the function between the check above and the call.
  auto* call = new Call{weak_from_this(), id};
  if (synced_data_.calls.NonBlockingCall(call) != napi_ok) {
    delete call;
    lock.unlock();
    Finish(id, std::nullopt);
  }
}

void JsCredentialsFetcher::Cancel() {
  std::unordered_map<uint64_t, Done> pending;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ReleaseCallsLocked();
    pending.swap(synced_data_.pending);
  }
  for (auto& [id, done] : pending) done(std::nullopt);
}

void JsCredentialsFetcher::Finish(uint64_t id, std::optional<engine::FetchedCredentials> result) {
  Done done;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = synced_data_.pending.find(id);
    if (found == synced_data_.pending.end()) return;
    done = std::move(found->second);
    synced_data_.pending.erase(found);
  }
  done(std::move(result));
}

void JsCredentialsFetcher::CallProvider(Napi::Env env, Napi::Function provider, std::nullptr_t*, Call* call) {
  std::unique_ptr<Call> owned(call);
  std::shared_ptr<JsCredentialsFetcher> fetcher = owned->fetcher.lock();
  // Torn down (env null) or cancelled: Cancel has ended the fetch already.
  if (env == nullptr || !fetcher) return;
  const uint64_t id = owned->id;
  std::weak_ptr<JsCredentialsFetcher> weak = fetcher;
  try {
    Napi::HandleScope scope(env);
    Napi::Value returned = provider.Call({});
    Napi::Object promise_class = env.Global().Get("Promise").As<Napi::Object>();
    Napi::Object promise =
        promise_class.Get("resolve").As<Napi::Function>().Call(promise_class, {returned}).As<Napi::Object>();
    Napi::Function on_resolved = Napi::Function::New(env, [weak, id](const Napi::CallbackInfo& info) {
      if (auto f = weak.lock()) f->Finish(id, CredentialsFromJs(info[0]));
    });
    Napi::Function on_rejected = Napi::Function::New(env, [weak, id](const Napi::CallbackInfo&) {
      if (auto f = weak.lock()) f->Finish(id, std::nullopt);
    });
    promise.Get("then").As<Napi::Function>().Call(promise, {on_resolved, on_rejected});
  } catch (const Napi::Error&) {
    // The provider threw synchronously; lib/credentials.ts keeps why, for the error the caller sees.
    fetcher->Finish(id, std::nullopt);
  }
}

}  // namespace s3fs::napi
