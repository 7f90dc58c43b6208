#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace s3fs {

// Just enough XML for S3 responses, which are flat, attribute-free (but for xmlns) and small per
// element: find elements by name, take their text, decode the five entities and character refs.

// Calls visit with the raw inner text of each <tag>...</tag> in doc, in order.
void XmlForEach(std::string_view doc, std::string_view tag,
                const std::function<void(std::string_view inner)>& visit);

// The decoded text of the first <tag> element in doc, or "" when there is none.
std::string XmlFirstText(std::string_view doc, std::string_view tag);

std::string XmlDecode(std::string_view text);

}  // namespace s3fs
