#include "engine/tls_context_cache.h"

#include <aws/io/tls_channel_handler.h>
#include <sys/stat.h>

#include <map>
#include <mutex>
#include <tuple>

namespace s3fs::engine {

namespace {

// The CA file's identity and version: a rewritten or replaced file is a different key.
struct TrustKey {
  bool verify_peer;
  std::string ca_file;
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  long long mtime_ns = 0;

  bool operator<(const TrustKey& other) const {
    return std::tie(verify_peer, ca_file, device, inode, size, mtime_ns) <
           std::tie(other.verify_peer, other.ca_file, other.device, other.inode, other.size, other.mtime_ns);
  }
};

aws_tls_ctx* NewClientTlsContext(bool verify_peer, const std::string& ca_file, Status& error) {
  aws_allocator* allocator = aws_default_allocator();
  aws_tls_ctx_options options;
  aws_tls_ctx_options_init_default_client(&options, allocator);
  aws_tls_ctx_options_set_verify_peer(&options, verify_peer);
  if (!ca_file.empty() &&
      aws_tls_ctx_options_override_default_trust_store_from_path(&options, nullptr, ca_file.c_str()) != AWS_OP_SUCCESS) {
    aws_tls_ctx_options_clean_up(&options);
    error = StatusFromCrtError(aws_last_error());
    error.code = "EINVAL";
    error.message = "cannot use the CA file " + ca_file + ": " + error.message;
    return nullptr;
  }
  aws_tls_ctx* context = aws_tls_client_ctx_new(allocator, &options);
  aws_tls_ctx_options_clean_up(&options);
  if (context == nullptr) error = StatusFromCrtError(aws_last_error());
  return context;
}

}  // namespace

aws_tls_ctx* AcquireClientTlsContext(bool verify_peer, const std::string& ca_file, Status& error) {
  // Process-lifetime and never destroyed, like the CRT library state the contexts belong to
  // (crt_library.h): engines of other threads may still hold them while the process exits.
  static std::mutex mutex;
  static auto* contexts = new std::map<TrustKey, aws_tls_ctx*>();

  TrustKey key{verify_peer, ca_file};
  if (!ca_file.empty()) {
    struct stat file {};
    if (stat(ca_file.c_str(), &file) == 0) {
      key.device = file.st_dev;
      key.inode = file.st_ino;
      key.size = file.st_size;
      key.mtime_ns = static_cast<long long>(file.st_mtim.tv_sec) * 1000000000LL + file.st_mtim.tv_nsec;
    }
  }
  std::lock_guard<std::mutex> lock(mutex);
  auto found = contexts->find(key);
  if (found != contexts->end()) return aws_tls_ctx_acquire(found->second);
  aws_tls_ctx* context = NewClientTlsContext(verify_peer, ca_file, error);
  if (context == nullptr) return nullptr;
  contexts->emplace(std::move(key), context);
  return aws_tls_ctx_acquire(context);
}

}  // namespace s3fs::engine
