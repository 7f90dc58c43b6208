#include "tf_plugin/profile_settings.h"

#include <aws/common/string.h>
#include <aws/sdkutils/aws_profile.h>

#include <cstdlib>

namespace s3fs::tensorflow_plugin {

namespace {

std::string Text(const aws_string* value) {
  return value == nullptr ? std::string() : std::string(aws_string_c_str(value), value->len);
}

std::string ConfigFilePath() {
  const char* file = std::getenv("AWS_CONFIG_FILE");
  if (file != nullptr && *file != '\0') return file;
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : "") + "/.aws/config";
}

const aws_profile_property* Property(const aws_profile* section, const char* setting) {
  if (section == nullptr) return nullptr;
  aws_string* name = aws_string_new_from_c_str(aws_default_allocator(), setting);
  const aws_profile_property* property = aws_profile_get_property(section, name);
  aws_string_destroy(name);
  return property;
}

std::string Nested(const aws_profile* section, const char* parent, const char* setting) {
  const aws_profile_property* property = Property(section, parent);
  if (property == nullptr) return {};
  aws_string* name = aws_string_new_from_c_str(aws_default_allocator(), setting);
  std::string value = Text(aws_profile_property_get_sub_property(property, name));
  aws_string_destroy(name);
  return value;
}

}  // namespace

ProfileSettings::ProfileSettings() {
  const char* profile = std::getenv("AWS_PROFILE");
  name_ = profile != nullptr && *profile != '\0' ? profile : "default";
  aws_string* path = aws_string_new_from_c_str(aws_default_allocator(), ConfigFilePath().c_str());
  collection_ = aws_profile_collection_new_from_file(aws_default_allocator(), path, AWS_PST_CONFIG);
  aws_string_destroy(path);
  if (collection_ == nullptr) return;
  aws_string* name = aws_string_new_from_c_str(aws_default_allocator(), name_.c_str());
  profile_ = aws_profile_collection_get_profile(collection_, name);
  aws_string_destroy(name);
}

ProfileSettings::~ProfileSettings() { aws_profile_collection_release(collection_); }

std::string ProfileSettings::Get(const char* setting) const {
  const aws_profile_property* property = Property(profile_, setting);
  return property == nullptr ? std::string() : Text(aws_profile_property_get_value(property));
}

std::string ProfileSettings::S3(const char* setting) const { return Nested(profile_, "s3", setting); }

std::string ProfileSettings::ServicesEndpoint() const {
  const std::string services = Get("services");
  if (services.empty()) return {};
  aws_string* name = aws_string_new_from_c_str(aws_default_allocator(), services.c_str());
  const aws_profile* section = aws_profile_collection_get_section(collection_, AWS_PROFILE_SECTION_TYPE_SERVICES, name);
  aws_string_destroy(name);
  return Nested(section, "s3", "endpoint_url");
}

}  // namespace s3fs::tensorflow_plugin
