#include "engine/crt_library.h"

#include "engine/redacting_logger.h"

#include <aws/common/logging.h>
#include <aws/io/channel.h>
#include <aws/s3/s3.h>
#include <openssl/core.h>
#include <openssl/provider.h>

#include <mutex>

namespace s3fs::engine {

namespace {

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

void InitCrtLibrary(int log_level) {
  static std::once_flag once;
  std::call_once(once, [log_level] {
    OSSL_PROVIDER_add_builtin(nullptr, "legacy", EmptyLegacyProviderInit);
    aws_allocator* allocator = aws_default_allocator();
    aws_s3_library_init(allocator);
    // The socket handler reads at most one fragment per event-loop turn, and 16 KiB, the default,
    // made a 1 GiB response 65 536 turns (a read, an epoll_wait and a task each). 256 KiB cut a
    // single-stream GET from 0.97 to 0.32 CPU-s per GiB. Memory stays bounded: each event loop
    // keeps at most 4 such messages, and a read message is released once the connection has
    // consumed it.
    g_aws_channel_max_fragment_size = 256 * 1024;
    if (log_level > 0) g_logger.Install(allocator, ClampLogLevel(log_level));
  });
}

}  // namespace s3fs::engine
