#pragma once

#include <string>

struct aws_profile;
struct aws_profile_collection;

namespace s3fs::tensorflow_plugin {

// The S3 settings of the profile AWS_PROFILE names (else "default") in the AWS shared config file
// (AWS_CONFIG_FILE, else ~/.aws/config), read with the CRT's parser, as lib/aws-config-file.ts reads
// them for Node. Empty strings where the file, the profile or the setting is missing.
class ProfileSettings {
 public:
  ProfileSettings();
  ~ProfileSettings();
  ProfileSettings(const ProfileSettings&) = delete;
  ProfileSettings& operator=(const ProfileSettings&) = delete;

  const std::string& name() const { return name_; }
  // A top-level setting: region, endpoint_url, ca_bundle, ...
  std::string Get(const char* setting) const;
  // A setting nested under `s3 =`: addressing_style, use_dualstack_endpoint.
  std::string S3(const char* setting) const;
  // The s3 endpoint_url of the `services` section the profile names.
  std::string ServicesEndpoint() const;

 private:
  std::string name_;
  aws_profile_collection* collection_ = nullptr;
  const aws_profile* profile_ = nullptr;
};

}  // namespace s3fs::tensorflow_plugin
