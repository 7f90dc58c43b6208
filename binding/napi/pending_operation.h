#pragma once

#include <napi.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "ops/operation.h"

namespace s3fs::napi {

// An operation as JS sees it: its Promise, the JS values native threads use until it completes
// (buffers, the engine object), and how to turn its result into a JS value.
struct PendingOperation {
  using ResultToJs = std::function<Napi::Value(Napi::Env)>;

  PendingOperation(uint64_t id, std::shared_ptr<Operation> operation, Napi::Env env)
      : id(id), operation(std::move(operation)), deferred(Napi::Promise::Deferred::New(env)) {}

  uint64_t id;
  std::shared_ptr<Operation> operation;
  Napi::Promise::Deferred deferred;
  std::vector<Napi::Reference<Napi::Value>> keep_alive;
  ResultToJs result_to_js;
};

}  // namespace s3fs::napi
