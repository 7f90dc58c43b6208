#include "napi/tensorflow_registration.h"

#include <dlfcn.h>

#include <mutex>
#include <string>

namespace s3fs::napi {

namespace {

// TensorFlow's C API, as far as registering a filesystem plugin needs it. Codes are TF_Code's.
struct TensorFlowApi {
  void* (*new_status)() = nullptr;
  void (*delete_status)(void*) = nullptr;
  int (*get_code)(const void*) = nullptr;
  const char* (*message)(const void*) = nullptr;
  void (*register_filesystem_plugin)(const char*, void*) = nullptr;
};

constexpr int kTfOk = 0;
constexpr int kTfAlreadyExists = 6;

// tfjs-node's addon loads libtensorflow privately (RTLD_LOCAL), so its symbols are not global;
// RTLD_NOLOAD finds the library already mapped by its soname without loading anything new.
bool FindTensorFlow(TensorFlowApi& api) {
  for (const char* library : {"libtensorflow.so.2", "libtensorflow_cc.so.2", "libtensorflow_framework.so.2"}) {
    void* handle = dlopen(library, RTLD_LAZY | RTLD_NOLOAD);
    if (handle == nullptr) continue;
    api.register_filesystem_plugin =
        reinterpret_cast<void (*)(const char*, void*)>(dlsym(handle, "TF_RegisterFilesystemPlugin"));
    api.new_status = reinterpret_cast<void* (*)()>(dlsym(handle, "TF_NewStatus"));
    api.delete_status = reinterpret_cast<void (*)(void*)>(dlsym(handle, "TF_DeleteStatus"));
    api.get_code = reinterpret_cast<int (*)(const void*)>(dlsym(handle, "TF_GetCode"));
    api.message = reinterpret_cast<const char* (*)(const void*)>(dlsym(handle, "TF_Message"));
    dlclose(handle);
    if (api.register_filesystem_plugin && api.new_status && api.delete_status && api.get_code && api.message) {
      return true;
    }
  }
  return false;
}

// TensorFlow's filesystem registry is process-wide, so this is too.
std::mutex g_mutex;
bool g_registered = false;

Napi::Error ErrorWithCode(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

}  // namespace

Napi::Value RegisterTensorFlowPlugin(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) {
    Napi::TypeError error = Napi::TypeError::New(env, "The \"path\" argument must be of type string");
    error.Set("code", Napi::String::New(env, "ERR_INVALID_ARG_TYPE"));
    throw error;
  }
  std::string path = info[0].As<Napi::String>().Utf8Value();
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_registered) return env.Undefined();
  TensorFlowApi api;
  if (!FindTensorFlow(api)) {
    throw ErrorWithCode(env, "ENOTSUP",
                        "s3fs-native: no TensorFlow library with filesystem plugins is loaded in this process "
                        "(load @tensorflow/tfjs-node first)");
  }
  void* status = api.new_status();
  api.register_filesystem_plugin(path.c_str(), status);
  int code = api.get_code(status);
  std::string message = api.message(status);
  api.delete_status(status);
  if (code == kTfAlreadyExists) {
    throw ErrorWithCode(env, "EEXIST", "s3fs-native: another filesystem already serves s3:// in this TensorFlow: " + message);
  }
  if (code != kTfOk) {
    throw ErrorWithCode(env, "EINVAL", "s3fs-native: TensorFlow refused the filesystem plugin " + path + ": " + message);
  }
  g_registered = true;
  return env.Undefined();
}

}  // namespace s3fs::napi
