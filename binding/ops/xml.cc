#include "ops/xml.h"

namespace s3fs {

namespace {

// Finds the next element named tag at or after pos; returns false when there is none.
bool FindElement(std::string_view doc, std::string_view tag, size_t& pos, std::string_view& inner) {
  const std::string open = "<" + std::string(tag);
  const std::string close = "</" + std::string(tag) + ">";
  while (true) {
    size_t start = doc.find(open, pos);
    if (start == std::string_view::npos) return false;
    size_t after_name = start + open.size();
    if (after_name >= doc.size()) return false;
    char next = doc[after_name];
    if (next != '>' && next != ' ' && next != '/') {
      pos = after_name;
      continue;
    }
    size_t gt = doc.find('>', after_name);
    if (gt == std::string_view::npos) return false;
    if (doc[gt - 1] == '/') {
      inner = std::string_view();
      pos = gt + 1;
      return true;
    }
    size_t end = doc.find(close, gt + 1);
    if (end == std::string_view::npos) return false;
    inner = doc.substr(gt + 1, end - gt - 1);
    pos = end + close.size();
    return true;
  }
}

// "#233" or "#xE9": true with the code point when it is a whole number naming a Unicode scalar
// value. Anything else (no digits, trailing junk, a surrogate, past U+10FFFF) is kept as written,
// like an unknown entity, rather than turned into bytes that are not UTF-8.
bool CharacterReference(std::string_view entity, unsigned long& cp) {
  if (entity.size() < 2 || entity[0] != '#') return false;
  bool hex = entity[1] == 'x' || entity[1] == 'X';
  std::string_view digits = entity.substr(hex ? 2 : 1);
  if (digits.empty() || digits.size() > 8) return false;
  cp = 0;
  for (char c : digits) {
    int value;
    if (c >= '0' && c <= '9') value = c - '0';
    else if (hex && c >= 'a' && c <= 'f') value = c - 'a' + 10;
    else if (hex && c >= 'A' && c <= 'F') value = c - 'A' + 10;
    else return false;
    cp = cp * (hex ? 16 : 10) + value;
  }
  return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
}

void AppendUtf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

void XmlForEach(std::string_view doc, std::string_view tag,
                const std::function<void(std::string_view inner)>& visit) {
  size_t pos = 0;
  std::string_view inner;
  while (FindElement(doc, tag, pos, inner)) visit(inner);
}

std::string XmlFirstText(std::string_view doc, std::string_view tag) {
  size_t pos = 0;
  std::string_view inner;
  if (!FindElement(doc, tag, pos, inner)) return {};
  return XmlDecode(inner);
}

std::string XmlDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    size_t semi = text.find(';', i);
    if (semi == std::string_view::npos) {
      out += text.substr(i);
      break;
    }
    std::string_view entity = text.substr(i + 1, semi - i - 1);
    if (entity == "amp") out += '&';
    else if (entity == "lt") out += '<';
    else if (entity == "gt") out += '>';
    else if (entity == "quot") out += '"';
    else if (entity == "apos") out += '\'';
    else if (unsigned long cp; CharacterReference(entity, cp)) AppendUtf8(out, cp);
    else {
      out += text.substr(i, semi - i + 1);
    }
    i = semi;
  }
  return out;
}

}  // namespace s3fs
