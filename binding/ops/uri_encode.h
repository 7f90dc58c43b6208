#pragma once

#include <string>
#include <string_view>

namespace s3fs {

// RFC 3986 percent-encoding as SigV4 expects it: unreserved characters stay, everything else is
// %XX. An object key keeps its '/' separators (each byte of "a//b" is preserved, never normalised).
std::string UriEncodePath(std::string_view key);
std::string UriEncodeQueryValue(std::string_view value);

}  // namespace s3fs
