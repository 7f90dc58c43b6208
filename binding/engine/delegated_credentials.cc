#include "engine/delegated_credentials.h"

#include <aws/auth/auth.h>
#include <aws/auth/credentials.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

namespace s3fs::engine {

namespace {

// The same policy as lib/credentials.ts, which the JS backend signs with.
constexpr uint64_t kRefreshAheadSeconds = 5 * 60;
// Credentials this close to their expiry are not signed with: the request may reach the server later.
constexpr uint64_t kExpiryMarginSeconds = 10;
// After a fetch that left the credentials inside the refresh window (a failed refresh answered with the
// still-valid ones, or short-lived credentials), signers use them this long before asking again.
constexpr uint64_t kAskAgainAfterSeconds = 10;

uint64_t NowSeconds() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

aws_byte_cursor Cursor(const std::string& s) { return aws_byte_cursor_from_array(s.data(), s.size()); }

class DelegatedCredentials : public std::enable_shared_from_this<DelegatedCredentials> {
 public:
  DelegatedCredentials(aws_allocator* allocator, std::shared_ptr<CredentialsFetcher> fetcher)
      : allocator_(allocator), fetcher_(std::move(fetcher)) {}
  ~DelegatedCredentials() { aws_credentials_release(synced_data_.current); }
  DelegatedCredentials(const DelegatedCredentials&) = delete;
  DelegatedCredentials& operator=(const DelegatedCredentials&) = delete;

  void Get(aws_on_get_credentials_callback_fn* callback, void* user_data) {
    const uint64_t now = NowSeconds();
    aws_credentials* usable = nullptr;
    bool ask = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      SyncedData& s = synced_data_;
      const uint64_t expiry = s.current ? aws_credentials_get_expiration_timepoint_seconds(s.current) : 0;
      if (s.current != nullptr && now + kExpiryMarginSeconds < expiry) {
        usable = s.current;
        aws_credentials_acquire(usable);
        ask = !s.fetching && now >= s.ask_after && now + kRefreshAheadSeconds >= expiry;
      } else {
        s.waiters.push_back({callback, user_data});
        ask = !s.fetching;
      }
      if (ask) s.fetching = true;
    }
    if (ask) {
      fetcher_->Fetch([self = shared_from_this()](std::optional<FetchedCredentials> fetched) {
        self->OnFetched(std::move(fetched));
      });
    }
    if (usable != nullptr) {
      callback(usable, AWS_ERROR_SUCCESS, user_data);
      aws_credentials_release(usable);
    }
  }

 private:
  struct Waiter {
    aws_on_get_credentials_callback_fn* callback;
    void* user_data;
  };

  void OnFetched(std::optional<FetchedCredentials> fetched) {
    aws_credentials* fresh = nullptr;
    if (fetched) {
      fresh = aws_credentials_new(allocator_, Cursor(fetched->access_key_id), Cursor(fetched->secret_access_key),
                                  Cursor(fetched->session_token), fetched->expiration_seconds.value_or(UINT64_MAX));
    }
    std::vector<Waiter> waiters;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      SyncedData& s = synced_data_;
      s.fetching = false;
      const uint64_t now = NowSeconds();
      const aws_credentials* answer = fresh != nullptr ? fresh : s.current;
      const bool due = answer == nullptr || now + kRefreshAheadSeconds >= aws_credentials_get_expiration_timepoint_seconds(answer);
      s.ask_after = due ? now + kAskAgainAfterSeconds : 0;
      if (fresh != nullptr) {
        aws_credentials_release(s.current);
        s.current = fresh;
        aws_credentials_acquire(fresh);
      }
      waiters.swap(s.waiters);
    }
    const int error = fresh != nullptr ? static_cast<int>(AWS_ERROR_SUCCESS) : AWS_AUTH_CREDENTIALS_PROVIDER_DELEGATE_FAILURE;
    for (const Waiter& waiter : waiters) waiter.callback(fresh, error, waiter.user_data);
    aws_credentials_release(fresh);
  }

  aws_allocator* const allocator_;
  const std::shared_ptr<CredentialsFetcher> fetcher_;

  std::mutex mutex_;
  // Under mutex_: what signers on any thread, and the fetch's completion, share.
  struct SyncedData {
    aws_credentials* current = nullptr;
    bool fetching = false;
    uint64_t ask_after = 0;
    std::vector<Waiter> waiters;
  } synced_data_;
};

using Holder = std::shared_ptr<DelegatedCredentials>;

int GetCredentials(void* delegate_user_data, aws_on_get_credentials_callback_fn* callback, void* user_data) {
  (*static_cast<Holder*>(delegate_user_data))->Get(callback, user_data);
  return AWS_OP_SUCCESS;
}

// The provider's last reference is gone; a fetch still in flight keeps the cache alive until it ends.
void ReleaseHolder(void* user_data) { delete static_cast<Holder*>(user_data); }

}  // namespace

aws_credentials_provider* NewDelegatedCredentialsProvider(aws_allocator* allocator,
                                                          std::shared_ptr<CredentialsFetcher> fetcher) {
  auto* holder = new Holder(std::make_shared<DelegatedCredentials>(allocator, std::move(fetcher)));
  aws_credentials_provider_delegate_options options{};
  options.get_credentials = &GetCredentials;
  options.delegate_user_data = holder;
  options.shutdown_options.shutdown_callback = &ReleaseHolder;
  options.shutdown_options.shutdown_user_data = holder;
  aws_credentials_provider* provider = aws_credentials_provider_new_delegate(allocator, &options);
  if (provider == nullptr) delete holder;
  return provider;
}

}  // namespace s3fs::engine
