#pragma once

#include <napi.h>

#include "engine/config.h"

namespace s3fs::napi {

// The plain object built by lib/config.ts, field by field.
engine::Config ConfigFromJs(const Napi::Object& object);

}  // namespace s3fs::napi
