#include "engine/credentials.h"

#include <aws/auth/credentials.h>
#include <aws/common/byte_buf.h>

#include <vector>

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

aws_credentials_provider* NewProfile(aws_allocator* allocator, const Config& config,
                                     aws_client_bootstrap* bootstrap) {
  aws_credentials_provider_profile_options options{};
  options.profile_name_override = Cursor(config.profile_name);
  options.credentials_file_name_override = Cursor(config.credentials_file);
  options.config_file_name_override = Cursor(config.config_file);
  options.bootstrap = bootstrap;
  // Fails (null) when neither file exists or the profile is in neither: then it is no source.
  aws_credentials_provider* provider = aws_credentials_provider_new_profile(allocator, &options);
  aws_reset_error();
  return provider;
}

aws_credentials_provider* NewInstanceMetadata(aws_allocator* allocator, aws_client_bootstrap* bootstrap) {
  aws_credentials_provider_imds_options options{};
  options.bootstrap = bootstrap;
  return aws_credentials_provider_new_imds(allocator, &options);
}

}  // namespace

aws_credentials_provider* NewCredentialsProvider(aws_allocator* allocator, const Config& config,
                                                 aws_client_bootstrap* bootstrap) {
  if (config.unsigned_requests) {
    aws_credentials_provider_shutdown_options none{};
    return aws_credentials_provider_new_anonymous(allocator, &none);
  }
  if (config.static_credentials) return NewStatic(allocator, *config.static_credentials);

  std::vector<aws_credentials_provider*> sources;
  if (aws_credentials_provider* profile = NewProfile(allocator, config, bootstrap)) sources.push_back(profile);
  if (config.use_instance_metadata) {
    if (aws_credentials_provider* imds = NewInstanceMetadata(allocator, bootstrap)) sources.push_back(imds);
  }
  if (sources.empty()) return nullptr;

  aws_credentials_provider_chain_options chain_options{};
  chain_options.providers = sources.data();
  chain_options.provider_count = sources.size();
  aws_credentials_provider* chain = aws_credentials_provider_new_chain(allocator, &chain_options);
  // The chain holds its own references to its sources.
  for (aws_credentials_provider* source : sources) aws_credentials_provider_release(source);
  if (chain == nullptr) return nullptr;

  // Instance-role credentials expire; the cache refreshes them before they do and spares a
  // metadata round trip on every signature.
  aws_credentials_provider_cached_options cached_options{};
  cached_options.source = chain;
  aws_credentials_provider* cached = aws_credentials_provider_new_cached(allocator, &cached_options);
  aws_credentials_provider_release(chain);
  return cached;
}

}  // namespace s3fs::engine
