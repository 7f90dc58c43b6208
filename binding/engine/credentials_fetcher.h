#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace s3fs::engine {

struct FetchedCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  // Seconds since the epoch; none: they never expire.
  std::optional<uint64_t> expiration_seconds;
};

// Where the engine gets credentials when its embedder owns them (in Node, the JS provider that the
// JS backend signs with too). The engine caches what it is handed; see NewDelegatedCredentialsProvider.
class CredentialsFetcher {
 public:
  using Done = std::function<void(std::optional<FetchedCredentials>)>;
  virtual ~CredentialsFetcher() = default;
  // Asks for credentials. `done` is called exactly once, on any thread (perhaps before Fetch returns),
  // with none when the embedder has none.
  virtual void Fetch(Done done) = 0;
  // Ends every fetch in flight, and every later one, with none: the embedder is going away.
  virtual void Cancel() = 0;
};

}  // namespace s3fs::engine
