#include "engine/crt_library.h"

#include "engine/redacting_logger.h"

#include <aws/common/logging.h>
#include <aws/common/thread.h>
#include <aws/s3/s3.h>
#include <openssl/core.h>
#include <openssl/provider.h>

#include <mutex>

namespace s3fs::engine {

namespace {

std::mutex g_mutex;
int g_users = 0;
bool g_legacy_provider_registered = false;
RedactingLogger g_logger;

// s2n, as Debian builds it, loads OpenSSL's "legacy" provider at init. The addon links its own
// private libcrypto, which has no provider modules on disk, so the load would abort s2n_init. An
// empty built-in provider of that name satisfies the load; s2n never uses a legacy algorithm here.
int EmptyLegacyProviderInit(const OSSL_CORE_HANDLE*, const OSSL_DISPATCH*, const OSSL_DISPATCH** out,
                            void** provider_context) {
  static const OSSL_DISPATCH kNoFunctions[] = {{0, nullptr}};
  *out = kNoFunctions;
  *provider_context = nullptr;
  return 1;
}

// Above INFO the CRT logs request and response details, bodies among them; INFO is the ceiling.
aws_log_level ClampLogLevel(int level) {
  if (level <= 0) return AWS_LL_NONE;
  if (level >= AWS_LL_INFO) return AWS_LL_INFO;
  return static_cast<aws_log_level>(level);
}

}  // namespace

void AcquireCrtLibrary(int log_level) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_users++ > 0) return;
  if (!g_legacy_provider_registered) {
    OSSL_PROVIDER_add_builtin(nullptr, "legacy", EmptyLegacyProviderInit);
    g_legacy_provider_registered = true;
  }
  aws_allocator* allocator = aws_default_allocator();
  aws_s3_library_init(allocator);
  if (log_level > 0) g_logger.Install(allocator, ClampLogLevel(log_level));
}

void ReleaseCrtLibrary() {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (--g_users > 0) return;
  aws_thread_join_all_managed();
  g_logger.Uninstall();
  aws_s3_library_clean_up();
}

}  // namespace s3fs::engine
