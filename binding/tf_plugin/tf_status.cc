#include "tf_plugin/tf_status.h"

#include <dlfcn.h>

#include <atomic>
#include <cstring>

namespace s3fs::tensorflow_plugin {

namespace {

using SetStatusFunction = void (*)(TF_Status*, TF_Code, const char*);
std::atomic<SetStatusFunction> g_set_status{nullptr};

SetStatusFunction Lookup() {
  if (auto found = reinterpret_cast<SetStatusFunction>(dlsym(RTLD_DEFAULT, "TF_SetStatus"))) return found;
  // tfjs-node and Python load TensorFlow's libraries privately (RTLD_LOCAL); by soname they are
  // already mapped and RTLD_NOLOAD only hands back the existing mapping.
  for (const char* library : {"libtensorflow_framework.so.2", "libtensorflow.so.2", "libtensorflow_cc.so.2"}) {
    void* handle = dlopen(library, RTLD_LAZY | RTLD_NOLOAD);
    if (handle == nullptr) continue;
    auto found = reinterpret_cast<SetStatusFunction>(dlsym(handle, "TF_SetStatus"));
    dlclose(handle);
    if (found != nullptr) return found;
  }
  return nullptr;
}

// As TensorFlow's own S3 filesystem maps failures.
TF_Code CodeFor(const engine::Status& error) {
  struct Entry {
    const char* code;
    TF_Code tf_code;
  };
  static const Entry kByCode[] = {
      {"ENOENT", TF_NOT_FOUND},          {"EEXIST", TF_ALREADY_EXISTS},
      {"EACCES", TF_PERMISSION_DENIED},  {"EPERM", TF_PERMISSION_DENIED},
      {"ECREDENTIALS", TF_UNAUTHENTICATED},
      {"EISDIR", TF_FAILED_PRECONDITION}, {"ENOTDIR", TF_FAILED_PRECONDITION},
      {"ENOTEMPTY", TF_FAILED_PRECONDITION}, {"EINVAL", TF_INVALID_ARGUMENT},
      {"ENAMETOOLONG", TF_INVALID_ARGUMENT}, {"ERANGE", TF_OUT_OF_RANGE},
      {"ETIMEDOUT", TF_DEADLINE_EXCEEDED}, {"ABORT_ERR", TF_CANCELLED},
      {"ESTALE", TF_ABORTED},            {"EFBIG", TF_RESOURCE_EXHAUSTED},
      {"EBUSY", TF_UNAVAILABLE},         {"ECONNREFUSED", TF_UNAVAILABLE},
      {"ECONNRESET", TF_UNAVAILABLE},    {"ENOTFOUND", TF_UNAVAILABLE},
      {"ENETUNREACH", TF_UNAVAILABLE},   {"EPROTO", TF_UNAVAILABLE},
      {"EBADMSG", TF_DATA_LOSS},
  };
  for (const auto& entry : kByCode) {
    if (error.code == entry.code) return entry.tf_code;
  }
  return TF_UNKNOWN;
}

}  // namespace

bool FindTensorFlowStatusApi() {
  if (g_set_status.load() == nullptr) g_set_status.store(Lookup());
  return g_set_status.load() != nullptr;
}

void SetOk(TF_Status* status) { g_set_status.load()(status, TF_OK, ""); }

void SetError(TF_Status* status, TF_Code code, const std::string& message) {
  g_set_status.load()(status, code, message.c_str());
}

void SetError(TF_Status* status, const engine::Status& error, const std::string& url) {
  std::string message = url + ": " + error.message + " (" + error.code;
  if (!error.s3_code.empty() && error.message.find(error.s3_code) == std::string::npos) message += ", " + error.s3_code;
  if (error.http_status != 0 && error.message.find("HTTP") == std::string::npos) {
    message += ", HTTP " + std::to_string(error.http_status);
  }
  message += ")";
  SetError(status, CodeFor(error), message);
}

}  // namespace s3fs::tensorflow_plugin
