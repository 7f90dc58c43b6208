#pragma once

#include <memory>

#include "engine/credentials_fetcher.h"

struct aws_allocator;
struct aws_credentials_provider;

namespace s3fs::engine {

// A CRT credentials provider over `fetcher`: credentials are fetched on first need and kept until
// five minutes before they expire (as the AWS SDKs do); from then on they are still signed with
// while one fetch, shared by every signer, asks for newer ones, at most every ten seconds. Only
// signers finding no valid credentials wait. Null with the CRT error raised if it cannot be made.
aws_credentials_provider* NewDelegatedCredentialsProvider(aws_allocator* allocator,
                                                          std::shared_ptr<CredentialsFetcher> fetcher);

}  // namespace s3fs::engine
