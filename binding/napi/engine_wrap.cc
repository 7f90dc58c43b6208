#include "napi/engine_wrap.h"

#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>

#include "fs/download_operation.h"
#include "fs/list_page_operation.h"
#include "fs/read_dir_operation.h"
#include "fs/read_file_operation.h"
#include "fs/read_range_operation.h"
#include "fs/remove_operation.h"
#include "fs/request_operation.h"
#include "fs/stat_operation.h"
#include "fs/write_file_operation.h"
#include "engine/caller_thread_loop.h"
#include "engine/large_buffers.h"
#include "napi/config_from_js.h"

namespace s3fs::napi {

namespace {

Napi::Object StatusToJs(Napi::Env env, const engine::Status& status) {
  Napi::Object error = Napi::Object::New(env);
  error.Set("code", status.code);
  error.Set("message", status.message);
  if (!status.s3_code.empty()) error.Set("s3Code", status.s3_code);
  if (status.http_status != 0) error.Set("httpStatus", status.http_status);
  return error;
}

Napi::Error TypeError(Napi::Env env, const char* what) { return Napi::TypeError::New(env, what); }

ObjectPath PathArgument(const Napi::CallbackInfo& info, size_t at) {
  if (!info[at].IsString() || !info[at + 1].IsString()) throw TypeError(info.Env(), "bucket and key must be strings");
  return ObjectPath{info[at].As<Napi::String>().Utf8Value(), info[at + 1].As<Napi::String>().Utf8Value()};
}

// A byte count or offset from JS: anything but a non-negative integer JS can represent exactly
// (NaN, fractions, infinities, negatives) is refused here, before it can become a pointer.
uint64_t ByteCountArgument(const Napi::CallbackInfo& info, size_t at, const char* name) {
  constexpr double kMaxSafeInteger = 9007199254740991.0;
  const double value = info[at].IsNumber() ? info[at].As<Napi::Number>().DoubleValue() : -1.0;
  if (!std::isfinite(value) || value < 0 || value > kMaxSafeInteger || std::floor(value) != value) {
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must be a non-negative integer");
  }
  return static_cast<uint64_t>(value);
}

// An optional { headers?: [name, value][], checksum?, uploadId?, partSize? }: the object's headers
// (Content-Type, Cache-Control, x-amz-meta-*), the checksum the server is to verify (a name of
// ChecksumAlgorithmNamed), and the multipart upload the caller created for it.
void WriteOptionsArgument(const Napi::CallbackInfo& info, size_t at, WriteFileOperation& operation) {
  if (!info[at].IsObject()) return;
  Napi::Object options = info[at].As<Napi::Object>();
  if (options.Get("headers").IsArray()) {
    Napi::Array headers = options.Get("headers").As<Napi::Array>();
    HeaderList list;
    for (uint32_t i = 0; i < headers.Length(); ++i) {
      Napi::Value pair = headers.Get(i);
      if (!pair.IsArray() || !pair.As<Napi::Array>().Get(0u).IsString() || !pair.As<Napi::Array>().Get(1u).IsString()) {
        throw TypeError(info.Env(), "headers must be [name, value] string pairs");
      }
      list.emplace_back(pair.As<Napi::Array>().Get(0u).As<Napi::String>().Utf8Value(), pair.As<Napi::Array>().Get(1u).As<Napi::String>().Utf8Value());
    }
    operation.SetHeaders(std::move(list));
  }
  if (!options.Get("checksum").IsUndefined()) {
    const Napi::Value name = options.Get("checksum");
    const std::optional<ChecksumAlgorithm> algorithm =
        name.IsString() ? ChecksumAlgorithmNamed(name.As<Napi::String>().Utf8Value()) : std::nullopt;
    if (!algorithm) throw TypeError(info.Env(), "checksum must be crc64nvme, crc32c, crc32, sha256 or off");
    operation.SetChecksum(*algorithm);
  }
  if (options.Get("uploadId").IsUndefined()) return;
  if (!options.Get("uploadId").IsString()) throw TypeError(info.Env(), "uploadId must be a string");
  const double part_size = options.Get("partSize").IsNumber() ? options.Get("partSize").As<Napi::Number>().DoubleValue() : 0;
  if (!std::isfinite(part_size) || part_size < 5.0 * 1024 * 1024 || part_size > 5.0 * 1024 * 1024 * 1024) {
    throw Napi::RangeError::New(info.Env(), "partSize must be between 5 MiB and 5 GiB");
  }
  operation.ContinueUpload(options.Get("uploadId").As<Napi::String>().Utf8Value(), static_cast<size_t>(part_size));
}

uint64_t IdArgument(const Napi::CallbackInfo& info) {
  if (!info[0].IsNumber()) throw TypeError(info.Env(), "operation id must be a number");
  return static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value());
}

}  // namespace

Napi::Function EngineWrap::DefineClass(Napi::Env env) {
  return ObjectWrap<EngineWrap>::DefineClass(env, "Engine",
                                             {
                                                 InstanceMethod<&EngineWrap::Stat>("stat"),
                                                 InstanceMethod<&EngineWrap::ReadFile>("readFile"),
                                                 InstanceMethod<&EngineWrap::Read>("read"),
                                                 InstanceMethod<&EngineWrap::WriteFile>("writeFile"),
                                                 InstanceMethod<&EngineWrap::ReadDir>("readdir"),
                                                 InstanceMethod<&EngineWrap::Remove>("rm"),
                                                 InstanceMethod<&EngineWrap::ListPage>("listPage"),
                                                 InstanceMethod<&EngineWrap::Download>("download"),
                                                 InstanceMethod<&EngineWrap::Upload>("upload"),
                                                 InstanceMethod<&EngineWrap::Request>("request"),
                                                 InstanceMethod<&EngineWrap::Cancel>("cancel"),
                                                 InstanceMethod<&EngineWrap::Progress>("progress"),
                                                 InstanceMethod<&EngineWrap::Close>("close"),
                                             });
}

EngineWrap::EngineWrap(const Napi::CallbackInfo& info) : ObjectWrap<EngineWrap>(info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw TypeError(env, "Engine expects a configuration object");
  engine::Config config = ConfigFromJs(info[0].As<Napi::Object>());
  credentials_fetcher_ = config.credentials_fetcher;

  completions_ = Completions::New(env, "s3fs-native completions", 0, 1, this);
  completions_.Unref(env);
  sink_->wrap = this;
  engine::Status error;
  engine_ = engine::Engine::Create(
      std::move(config),
      [sink = sink_](Operation* operation) {
        std::lock_guard<std::mutex> lock(sink->mutex);
        EngineWrap* wrap = sink->wrap;
        if (wrap == nullptr) return;
        // Finished on the JS thread itself: settled right after the turn, not through a wake-up.
        engine::CallerThreadLoop* caller_loop = wrap->engine_ ? wrap->engine_->caller_thread_loop() : nullptr;
        if (caller_loop != nullptr && caller_loop->TurningOnCallerThread()) {
          wrap->finished_in_turn_.push_back(operation);
        } else {
          wrap->completions_.NonBlockingCall(operation);
        }
      },
      error, /*with_caller_thread_loop=*/true);
  if (!engine_) {
    if (credentials_fetcher_) credentials_fetcher_->Cancel();
    sink_->wrap = nullptr;
    completions_.Release();
    Napi::Error e = Napi::Error::New(env, "cannot start the S3 engine: " + error.message);
    e.Set("code", error.code);
    throw e;
  }
  engine::CallerThreadLoop* caller_loop = engine_->caller_thread_loop();
  turn_context_ = std::make_unique<Napi::AsyncContext>(env, "s3fs-native");
  if (caller_loop != nullptr && !caller_loop_driver_.Start(env, *caller_loop, [this] { SettleFinishedInTurn(false); })) {
    caller_loop->MoveToOwnThread();
  }
  // Registered after the thread-safe function, so it runs before that function's own teardown.
  napi_add_env_cleanup_hook(env, &EngineWrap::CleanupHook, this);
  cleanup_hook_registered_ = true;
}

EngineWrap::~EngineWrap() {
  if (cleanup_hook_registered_) napi_remove_env_cleanup_hook(Env(), &EngineWrap::CleanupHook, this);
  // Garbage collection comes only once nothing is in flight (each operation holds this object).
  Shutdown(false);
}

void EngineWrap::CleanupHook(void* self) {
  auto* wrap = static_cast<EngineWrap*>(self);
  wrap->cleanup_hook_registered_ = false;
  wrap->Shutdown(false);
}

void EngineWrap::Shutdown(bool env_alive) {
  if (shut_down_) return;
  shut_down_ = true;
  for (auto& [operation, pending] : pending_) {
    operation->Cancel(engine::Status::Error("ABORT_ERR", "the file system was closed"));
  }
  {
    std::lock_guard<std::mutex> lock(sink_->mutex);
    sink_->wrap = nullptr;
  }
  completions_.Release();
  // The requests on the JS thread's loop must be able to end while this thread waits below.
  caller_loop_driver_.Stop();
  if (engine::CallerThreadLoop* caller_loop = engine_->caller_thread_loop()) caller_loop->MoveToOwnThread();
  finished_in_turn_.clear();
  // Cancelled requests usually end within milliseconds; one stalled on a silent server may take
  // the CRT much longer, and then nobody waits for it.
  // Requests waiting for credentials from JS would wait for this very thread: they end now.
  if (credentials_fetcher_) credentials_fetcher_->Cancel();
  if (engine_->StopAndWait(std::chrono::milliseconds(200))) {
    engine_.reset();
  } else {
    engine::Engine::DestroyWhenIdle(std::move(engine_));
  }
  // An ending environment can no longer settle a Promise (that runs JS), but its references are
  // still deleted here: cleanup hooks run before Node-API tears the environment down.
  if (env_alive) {
    for (auto& [operation, pending] : pending_) pending->deferred.Reject(StatusToJs(Env(), operation->status()));
  }
  pending_.clear();
  by_id_.clear();
}

void EngineWrap::DeliverCompletion(Napi::Env env, Napi::Function, EngineWrap* self, Operation* operation) {
  // A null env means the environment is being torn down; Shutdown owns what is left.
  if (env == nullptr || self->shut_down_) return;
  self->Settle(env, operation);
}

void EngineWrap::SettleFinishedInTurn(bool from_js_call) {
  if (finished_in_turn_.empty() || shut_down_) return;
  std::vector<Operation*> finished;
  finished.swap(finished_in_turn_);
  Napi::Env env = Env();
  if (from_js_call) {
    for (Operation* operation : finished) Settle(env, operation);
    return;
  }
  // Called from libuv, with no JS frame to take an exception: a worker being terminated can no
  // longer settle a Promise, and nobody is left to tell (its cleanup hook releases the rest).
  try {
    Napi::HandleScope scope(env);
    Napi::CallbackScope callback_scope(env, *turn_context_);
    for (Operation* operation : finished) Settle(env, operation);
  } catch (const Napi::Error&) {
  }
}

void EngineWrap::Settle(Napi::Env env, Operation* operation) {
  auto found = pending_.find(operation);
  if (found == pending_.end()) return;
  std::unique_ptr<PendingOperation> pending = std::move(found->second);
  pending_.erase(found);
  by_id_.erase(pending->id);
  if (pending_.empty()) completions_.Unref(env);

  Napi::HandleScope scope(env);
  const engine::Status& status = operation->status();
  if (status.ok()) {
    pending->deferred.Resolve(pending->result_to_js ? pending->result_to_js(env) : env.Undefined());
  } else {
    pending->deferred.Reject(StatusToJs(env, status));
  }
}

Napi::Value EngineWrap::Launch(const Napi::CallbackInfo& info, std::shared_ptr<Operation> operation,
                               std::vector<Napi::Reference<Napi::Value>> keep_alive,
                               PendingOperation::ResultToJs to_js) {
  Napi::Env env = info.Env();
  if (shut_down_) throw Napi::Error::New(env, "the file system was closed");
  uint64_t id = IdArgument(info);
  auto pending = std::make_unique<PendingOperation>(id, std::move(operation), env);
  pending->keep_alive = std::move(keep_alive);
  pending->keep_alive.push_back(Napi::Persistent(info.This()));
  pending->result_to_js = std::move(to_js);
  Napi::Promise promise = pending->deferred.Promise();
  std::shared_ptr<Operation> started = pending->operation;
  if (pending_.empty()) completions_.Ref(env);
  pending_.emplace(started.get(), std::move(pending));
  by_id_.emplace(id, started.get());
  // The request's first tasks (sign, send) run before this call returns, not a driver's turn later.
  engine::CallerThreadLoop* caller_loop = engine_->caller_thread_loop();
  if (caller_loop != nullptr) caller_loop->HoldWakes();
  started->Start();
  if (caller_loop != nullptr) caller_loop->ReleaseWakes();
  SettleFinishedInTurn(true);
  return promise;
}

Napi::Value EngineWrap::Stat(const Napi::CallbackInfo& info) {
  auto operation = std::make_shared<StatOperation>(*engine_, PathArgument(info, 1));
  StatOperation* stat = operation.get();
  return Launch(info, std::move(operation), {}, [stat](Napi::Env env) -> Napi::Value {
    const FileInfo& st = stat->info();
    Napi::Object result = Napi::Object::New(env);
    result.Set("isDirectory", st.is_directory);
    result.Set("size", static_cast<double>(st.size));
    result.Set("mtimeMs", st.mtime_ms);
    if (!st.etag.empty()) result.Set("etag", st.etag);
    if (!st.is_directory) {
      if (!st.content_type.empty()) result.Set("contentType", st.content_type);
      if (!st.cache_control.empty()) result.Set("cacheControl", st.cache_control);
      Napi::Object metadata = Napi::Object::New(env);
      for (const auto& [name, value] : st.user_metadata) metadata.Set(name, value);
      result.Set("metadata", metadata);
      if (st.checksum) {
        Napi::Object checksum = Napi::Object::New(env);
        checksum.Set("algorithm", std::string(ChecksumAlgorithmName(st.checksum->algorithm)));
        checksum.Set("value", st.checksum->value);
        checksum.Set("type", st.checksum->full_object ? "FULL_OBJECT" : "COMPOSITE");
        result.Set("checksum", checksum);
      }
    }
    return result;
  });
}

Napi::Value EngineWrap::ReadFile(const Napi::CallbackInfo& info) {
  auto operation = std::make_shared<ReadFileOperation>(*engine_, PathArgument(info, 1));
  ReadFileOperation* read = operation.get();
  return Launch(info, std::move(operation), {}, [read](Napi::Env env) -> Napi::Value {
    const size_t size = static_cast<size_t>(read->size());
    uint8_t* data = read->ReleaseData();
    if (data == nullptr) return Napi::Buffer<uint8_t>::New(env, 0);
    return Napi::Buffer<uint8_t>::New(env, data, size, [size](Napi::Env, uint8_t* bytes) {
      engine::FreeLargeBufferElsewhere(bytes, size);
    });
  });
}

Napi::Value EngineWrap::Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[3].IsBuffer()) throw TypeError(env, "buffer must be a Buffer");
  auto buffer = info[3].As<Napi::Buffer<uint8_t>>();
  const uint64_t offset = ByteCountArgument(info, 4, "offset");
  const uint64_t length = ByteCountArgument(info, 5, "length");
  const uint64_t position = ByteCountArgument(info, 6, "position");
  if (offset > buffer.Length() || length > buffer.Length() - offset) {
    throw Napi::RangeError::New(env, "offset and length must lie within the buffer");
  }
  std::string if_match = info[7].IsString() ? info[7].As<Napi::String>().Utf8Value() : std::string();
  auto operation = std::make_shared<ReadRangeOperation>(
      *engine_, PathArgument(info, 1), buffer.Data() + offset, static_cast<size_t>(length), position,
      std::move(if_match));
  ReadRangeOperation* read = operation.get();
  std::vector<Napi::Reference<Napi::Value>> keep_alive;
  keep_alive.push_back(Napi::Persistent(info[3]));
  return Launch(info, std::move(operation), std::move(keep_alive), [read](Napi::Env env) -> Napi::Value {
    return Napi::Number::New(env, static_cast<double>(read->bytes_read()));
  });
}

Napi::Value EngineWrap::WriteFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[3].IsTypedArray()) throw TypeError(env, "data must be a Buffer or Uint8Array");
  auto data = info[3].As<Napi::Uint8Array>();
  auto operation = std::make_shared<WriteFileOperation>(*engine_, PathArgument(info, 1), data.Data(), data.ByteLength());
  WriteOptionsArgument(info, 4, *operation);
  WriteFileOperation* write = operation.get();
  std::vector<Napi::Reference<Napi::Value>> keep_alive;
  keep_alive.push_back(Napi::Persistent(info[3]));
  return Launch(info, std::move(operation), std::move(keep_alive), [write](Napi::Env env) -> Napi::Value {
    Napi::Object result = Napi::Object::New(env);
    result.Set("etag", write->etag());
    if (!write->acknowledged_checksum().empty()) result.Set("checksum", write->acknowledged_checksum());
    return result;
  });
}

Napi::Value EngineWrap::ReadDir(const Napi::CallbackInfo& info) {
  auto operation = std::make_shared<ReadDirOperation>(*engine_, PathArgument(info, 1));
  ReadDirOperation* list = operation.get();
  return Launch(info, std::move(operation), {}, [list](Napi::Env env) -> Napi::Value {
    Napi::Array entries = Napi::Array::New(env, list->entries().size());
    uint32_t i = 0;
    for (const auto& [name, listed] : list->entries()) {
      Napi::Object entry = Napi::Object::New(env);
      entry.Set("name", name);
      entry.Set("isDirectory", listed.is_directory);
      if (!listed.is_directory) {
        entry.Set("size", static_cast<double>(listed.size));
        entry.Set("mtimeMs", listed.mtime_ms);
      }
      entries.Set(i++, entry);
    }
    return entries;
  });
}

Napi::Value EngineWrap::Remove(const Napi::CallbackInfo& info) {
  return Launch(info, std::make_shared<RemoveOperation>(*engine_, PathArgument(info, 1)), {}, nullptr);
}

Napi::Value EngineWrap::ListPage(const Napi::CallbackInfo& info) {
  // (id, bucket, prefix, delimiter, continuationToken, maxKeys)
  Napi::Env env = info.Env();
  if (!info[3].IsString() || !info[4].IsString() || !info[5].IsNumber()) {
    throw TypeError(env, "listPage expects delimiter, token and maxKeys");
  }
  auto operation = std::make_shared<ListPageOperation>(*engine_, PathArgument(info, 1),
                                                       info[3].As<Napi::String>().Utf8Value(),
                                                       info[4].As<Napi::String>().Utf8Value(),
                                                       info[5].As<Napi::Number>().Int32Value());
  ListPageOperation* list = operation.get();
  return Launch(info, std::move(operation), {}, [list](Napi::Env env) -> Napi::Value {
    const s3fs::ListPage& page = list->page();
    Napi::Array objects = Napi::Array::New(env, page.objects.size());
    for (uint32_t i = 0; i < page.objects.size(); ++i) {
      const ListedObject& listed = page.objects[i];
      Napi::Object object = Napi::Object::New(env);
      object.Set("key", listed.key);
      object.Set("size", static_cast<double>(listed.size));
      object.Set("mtimeMs", listed.mtime_ms);
      object.Set("etag", listed.etag);
      objects.Set(i, object);
    }
    Napi::Array prefixes = Napi::Array::New(env, page.common_prefixes.size());
    for (uint32_t i = 0; i < page.common_prefixes.size(); ++i) prefixes.Set(i, page.common_prefixes[i]);
    Napi::Object result = Napi::Object::New(env);
    result.Set("objects", objects);
    result.Set("prefixes", prefixes);
    if (page.truncated && !page.next_token.empty()) result.Set("nextToken", page.next_token);
    return result;
  });
}

Napi::Value EngineWrap::Download(const Napi::CallbackInfo& info) {
  // (id, bucket, key, localPath)
  if (!info[3].IsString()) throw TypeError(info.Env(), "download expects a local path");
  auto operation = std::make_shared<DownloadOperation>(*engine_, PathArgument(info, 1), info[3].As<Napi::String>().Utf8Value());
  DownloadOperation* download = operation.get();
  return Launch(info, std::move(operation), {}, [download](Napi::Env env) -> Napi::Value {
    Napi::Object result = Napi::Object::New(env);
    result.Set("size", static_cast<double>(download->size()));
    return result;
  });
}

Napi::Value EngineWrap::Upload(const Napi::CallbackInfo& info) {
  // (id, bucket, key, localPath, size)
  if (!info[3].IsString()) throw TypeError(info.Env(), "upload expects a local path and its size");
  auto operation = std::make_shared<WriteFileOperation>(*engine_, PathArgument(info, 1), info[3].As<Napi::String>().Utf8Value(),
                                                        static_cast<size_t>(ByteCountArgument(info, 4, "size")));
  WriteOptionsArgument(info, 5, *operation);
  WriteFileOperation* upload = operation.get();
  return Launch(info, std::move(operation), {}, [upload](Napi::Env env) -> Napi::Value {
    Napi::Object result = Napi::Object::New(env);
    result.Set("etag", upload->etag());
    if (!upload->acknowledged_checksum().empty()) result.Set("checksum", upload->acknowledged_checksum());
    return result;
  });
}

Napi::Value EngineWrap::Request(const Napi::CallbackInfo& info) {
  // (id, { method, bucket, key, query, headers: [name, value][], body?, checksum? })
  Napi::Env env = info.Env();
  if (!info[1].IsObject()) throw TypeError(env, "request expects a request object");
  Napi::Object spec = info[1].As<Napi::Object>();
  S3Request request;
  request.method = spec.Get("method").As<Napi::String>().Utf8Value();
  request.bucket = spec.Get("bucket").As<Napi::String>().Utf8Value();
  request.key = spec.Get("key").As<Napi::String>().Utf8Value();
  if (spec.Get("query").IsString()) request.query = spec.Get("query").As<Napi::String>().Utf8Value();
  if (spec.Get("headers").IsArray()) {
    Napi::Array headers = spec.Get("headers").As<Napi::Array>();
    for (uint32_t i = 0; i < headers.Length(); ++i) {
      Napi::Array pair = headers.Get(i).As<Napi::Array>();
      request.headers.emplace_back(pair.Get(0u).As<Napi::String>().Utf8Value(), pair.Get(1u).As<Napi::String>().Utf8Value());
    }
  }
  std::vector<Napi::Reference<Napi::Value>> keep_alive;
  Napi::Value body = spec.Get("body");
  if (body.IsTypedArray()) {
    auto bytes = body.As<Napi::Uint8Array>();
    request.body = bytes.Data();
    request.body_size = bytes.ByteLength();
    request.has_body = true;
    keep_alive.push_back(Napi::Persistent(body));
  }
  if (spec.Get("checksum").IsString()) {
    const std::optional<ChecksumAlgorithm> algorithm = ChecksumAlgorithmNamed(spec.Get("checksum").As<Napi::String>().Utf8Value());
    if (!algorithm) throw TypeError(env, "checksum must be crc64nvme, crc32c, crc32, sha256 or off");
    request.upload_checksum = *algorithm;
  }
  auto operation = std::make_shared<RequestOperation>(*engine_, std::move(request));
  RequestOperation* call = operation.get();
  return Launch(info, std::move(operation), std::move(keep_alive), [call](Napi::Env env) -> Napi::Value {
    const S3Response& response = call->response();
    Napi::Object headers = Napi::Object::New(env);
    for (const auto& [name, value] : response.headers) headers.Set(name, value);
    Napi::Object result = Napi::Object::New(env);
    result.Set("status", response.http_status);
    result.Set("attempts", response.attempts);
    if (!response.sent_checksum.empty()) result.Set("checksum", response.sent_checksum);
    result.Set("headers", headers);
    result.Set("body", Napi::Buffer<char>::Copy(env, response.body.data(), response.body.size()));
    return result;
  });
}

Napi::Value EngineWrap::Cancel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t id = IdArgument(info);
  auto found = by_id_.find(id);
  if (found == by_id_.end()) return env.Undefined();
  std::string code = info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "ABORT_ERR";
  std::string message = info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "the operation was aborted";
  found->second->Cancel(engine::Status::Error(std::move(code), std::move(message)));
  return env.Undefined();
}

Napi::Value EngineWrap::Progress(const Napi::CallbackInfo& info) {
  // (id): body bytes the operation has moved so far; 0 once it has completed.
  auto found = by_id_.find(IdArgument(info));
  return Napi::Number::New(info.Env(), found == by_id_.end() ? 0.0 : static_cast<double>(found->second->bytes_moved()));
}

Napi::Value EngineWrap::Close(const Napi::CallbackInfo& info) {
  Shutdown(true);
  return info.Env().Undefined();
}

}  // namespace s3fs::napi
