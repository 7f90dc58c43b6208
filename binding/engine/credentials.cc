#include "engine/credentials.h"

#include <aws/auth/credentials.h>
#include <aws/common/byte_buf.h>
#include <aws/io/tls_channel_handler.h>

#include "engine/delegated_credentials.h"
#include "engine/tls_context_cache.h"

namespace s3fs::engine {

namespace {

aws_byte_cursor Cursor(const std::string& s) { return aws_byte_cursor_from_array(s.data(), s.size()); }

aws_credentials_provider* NewStatic(aws_allocator* allocator, const StaticCredentials& keys) {
  aws_credentials_provider_static_options options{};
  options.access_key_id = Cursor(keys.access_key_id);
  options.secret_access_key = Cursor(keys.secret_access_key);
  options.session_token = Cursor(keys.session_token);
  return aws_credentials_provider_new_static(allocator, &options);
}

// The CRT's default chain (cached and refreshed by the CRT): environment, the profile files
// (assume-role, credential_process), web identity (IRSA), the container (ECS, EKS Pod Identity)
// or the EC2 instance role. Its HTTPS calls (STS, an https container endpoint) trust the
// configured CA file, as every AWS tool does with AWS_CA_BUNDLE.
aws_credentials_provider* NewDefaultChain(aws_allocator* allocator, const Config& config,
                                          aws_client_bootstrap* bootstrap) {
  Status tls_error;
  aws_tls_ctx* tls_ctx = AcquireClientTlsContext(true, config.ca_file, tls_error);
  if (tls_ctx == nullptr) return nullptr;
  aws_credentials_provider_chain_default_options options{};
  options.bootstrap = bootstrap;
  options.tls_ctx = tls_ctx;
  // An empty cursor would name the profile "": no override, so that AWS_PROFILE (else default) decides.
  if (!config.profile_name.empty()) options.profile_name_override = Cursor(config.profile_name);
  aws_credentials_provider* chain = aws_credentials_provider_new_chain_default(allocator, &options);
  // The chain holds its own reference.
  aws_tls_ctx_release(tls_ctx);
  return chain;
}

}  // namespace

aws_credentials_provider* NewCredentialsProvider(aws_allocator* allocator, const Config& config,
                                                 aws_client_bootstrap* bootstrap) {
  if (config.unsigned_requests) {
    aws_credentials_provider_shutdown_options none{};
    return aws_credentials_provider_new_anonymous(allocator, &none);
  }
  if (config.static_credentials) return NewStatic(allocator, *config.static_credentials);
  if (config.credentials_fetcher) return NewDelegatedCredentialsProvider(allocator, config.credentials_fetcher);
  return NewDefaultChain(allocator, config, bootstrap);
}

}  // namespace s3fs::engine
