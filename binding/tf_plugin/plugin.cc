// The TensorFlow modular filesystem plugin for s3:// (TF_InitPlugin): TensorFlow's C function
// tables, each entry a thin translation to S3Filesystem, its files and TensorFlow's status.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "tensorflow/c/experimental/filesystem/filesystem_interface.h"
#include "tf_plugin/environment_config.h"
#include "tf_plugin/random_access_file.h"
#include "tf_plugin/s3_filesystem.h"
#include "tf_plugin/tf_status.h"
#include "tf_plugin/writable_file.h"

namespace s3fs::tensorflow_plugin {

namespace {

// The engine starts at the first call rather than at registration, so the environment can still
// be set between registering the plugin and using s3:// (TensorFlow's own S3 filesystem reads it
// late as well). A configuration error is then the answer to every call.
struct PluginFilesystem {
  std::once_flag started;
  std::unique_ptr<S3Filesystem> fs;
  engine::Status error;
};

S3Filesystem* Filesystem(const TF_Filesystem* filesystem, TF_Status* status) {
  auto* plugin = static_cast<PluginFilesystem*>(filesystem->plugin_filesystem);
  std::call_once(plugin->started, [plugin] {
    PluginConfig config = ConfigFromEnvironment(plugin->error);
    if (!plugin->error.ok()) return;
    std::unique_ptr<BlockingEngine> engine = BlockingEngine::Create(std::move(config.engine), plugin->error);
    if (engine) plugin->fs = std::make_unique<S3Filesystem>(std::move(engine), config.upload_checksum);
  });
  if (!plugin->fs) SetError(status, plugin->error, "s3fs-native (configuring s3://)");
  return plugin->fs.get();
}

// Parses the path and finds the filesystem; false with the status set when either fails.
bool Prepare(const TF_Filesystem* filesystem, const char* url, TF_Status* status, S3Filesystem*& fs, ObjectPath& path) {
  engine::Status parsed = ParseS3Url(url, path);
  if (!parsed.ok()) {
    SetError(status, parsed, url);
    return false;
  }
  fs = Filesystem(filesystem, status);
  return fs != nullptr;
}

void Report(TF_Status* status, const engine::Status& result, const std::string& url) {
  if (result.ok()) {
    SetOk(status);
  } else {
    SetError(status, result, url);
  }
}

char* CopyString(const std::string& text) {
  char* copy = static_cast<char*>(std::malloc(text.size() + 1));
  std::memcpy(copy, text.c_str(), text.size() + 1);
  return copy;
}

int ReturnList(const std::vector<std::string>& items, char*** entries) {
  *entries = static_cast<char**>(std::malloc(sizeof(char*) * std::max<size_t>(items.size(), 1)));
  for (size_t i = 0; i < items.size(); i++) (*entries)[i] = CopyString(items[i]);
  return static_cast<int>(items.size());
}

// Random access files.

void RandomAccessCleanup(TF_RandomAccessFile* file) { delete static_cast<RandomAccessFile*>(file->plugin_file); }

int64_t RandomAccessRead(const TF_RandomAccessFile* file, uint64_t offset, size_t n, char* buffer, TF_Status* status) {
  auto* reader = static_cast<RandomAccessFile*>(file->plugin_file);
  size_t bytes_read = 0;
  engine::Status result = reader->Read(offset, n, buffer, bytes_read);
  if (!result.ok()) {
    SetError(status, result, UrlOf(reader->path()));
    return -1;
  }
  if (bytes_read < n) {
    SetError(status, TF_OUT_OF_RANGE, "Read fewer bytes than requested");
  } else {
    SetOk(status);
  }
  return static_cast<int64_t>(bytes_read);
}

// Writable files.

void WritableCleanup(TF_WritableFile* file) { delete static_cast<WritableFile*>(file->plugin_file); }

void WritableAppend(const TF_WritableFile* file, const char* buffer, size_t n, TF_Status* status) {
  auto* writer = static_cast<WritableFile*>(file->plugin_file);
  Report(status, writer->Append(buffer, n), UrlOf(writer->path()));
}

int64_t WritableTell(const TF_WritableFile* file, TF_Status* status) {
  SetOk(status);
  return static_cast<int64_t>(static_cast<WritableFile*>(file->plugin_file)->Tell());
}

void WritableFlush(const TF_WritableFile* file, TF_Status* status) {
  auto* writer = static_cast<WritableFile*>(file->plugin_file);
  Report(status, writer->Flush(), UrlOf(writer->path()));
}

void WritableClose(const TF_WritableFile* file, TF_Status* status) {
  auto* writer = static_cast<WritableFile*>(file->plugin_file);
  Report(status, writer->Close(), UrlOf(writer->path()));
}

// Read-only memory regions.

void RegionCleanup(TF_ReadOnlyMemoryRegion* region) { delete static_cast<MemoryRegion*>(region->plugin_memory_region); }
const void* RegionData(const TF_ReadOnlyMemoryRegion* region) {
  return static_cast<MemoryRegion*>(region->plugin_memory_region)->data();
}
uint64_t RegionLength(const TF_ReadOnlyMemoryRegion* region) {
  return static_cast<MemoryRegion*>(region->plugin_memory_region)->length();
}

// The filesystem.

void Init(TF_Filesystem* filesystem, TF_Status* status) {
  filesystem->plugin_filesystem = new PluginFilesystem();
  SetOk(status);
}

void Cleanup(TF_Filesystem* filesystem) { delete static_cast<PluginFilesystem*>(filesystem->plugin_filesystem); }

char* TranslateName(const TF_Filesystem*, const char* uri) { return CopyString(CleanS3Url(uri)); }

// Every path operation: the URL parsed and the filesystem found, `operation` run on them, and its
// outcome reported to TensorFlow. True when it succeeded.
template <typename Operation>
bool Run(const TF_Filesystem* filesystem, const char* url, TF_Status* status, Operation operation) {
  S3Filesystem* fs;
  ObjectPath path;
  if (!Prepare(filesystem, url, status, fs, path)) return false;
  engine::Status result = operation(*fs, path);
  Report(status, result, url);
  return result.ok();
}

// Rename and copy: both URLs parsed; the outcome reported against the source.
template <typename Operation>
void RunOnTwo(const TF_Filesystem* filesystem, const char* source_url, const char* target_url, TF_Status* status,
              Operation operation) {
  ObjectPath target;
  engine::Status parsed = ParseS3Url(target_url, target);
  if (!parsed.ok()) return SetError(status, parsed, target_url);
  Run(filesystem, source_url, status, [&](S3Filesystem& fs, const ObjectPath& source) { return operation(fs, source, target); });
}

void NewRandomAccessFile(const TF_Filesystem* filesystem, const char* url, TF_RandomAccessFile* file, TF_Status* status) {
  Run(filesystem, url, status, [file](S3Filesystem& fs, const ObjectPath& path) {
    std::unique_ptr<RandomAccessFile> reader;
    engine::Status result = RandomAccessFile::Open(fs, path, reader);
    file->plugin_file = reader.release();
    return result;
  });
}

void NewWritable(const TF_Filesystem* filesystem, const char* url, bool append, TF_WritableFile* file,
                 TF_Status* status) {
  Run(filesystem, url, status, [file, append](S3Filesystem& fs, const ObjectPath& path) {
    std::unique_ptr<WritableFile> writer;
    engine::Status result = WritableFile::Open(fs, path, append, writer);
    file->plugin_file = writer.release();
    return result;
  });
}

void NewWritableFile(const TF_Filesystem* filesystem, const char* url, TF_WritableFile* file, TF_Status* status) {
  NewWritable(filesystem, url, false, file, status);
}

void NewAppendableFile(const TF_Filesystem* filesystem, const char* url, TF_WritableFile* file, TF_Status* status) {
  NewWritable(filesystem, url, true, file, status);
}

void NewMemoryRegion(const TF_Filesystem* filesystem, const char* url, TF_ReadOnlyMemoryRegion* region,
                     TF_Status* status) {
  Run(filesystem, url, status, [region](S3Filesystem& fs, const ObjectPath& path) {
    std::unique_ptr<MemoryRegion> opened;
    engine::Status result = MemoryRegion::Open(fs, path, opened);
    region->plugin_memory_region = opened.release();
    return result;
  });
}

void CreateDir(const TF_Filesystem* filesystem, const char* url, TF_Status* status) {
  Run(filesystem, url, status, [](S3Filesystem& fs, const ObjectPath& path) { return fs.CreateDir(path, false); });
}

void RecursivelyCreateDir(const TF_Filesystem* filesystem, const char* url, TF_Status* status) {
  Run(filesystem, url, status, [](S3Filesystem& fs, const ObjectPath& path) { return fs.CreateDir(path, true); });
}

void DeleteFile(const TF_Filesystem* filesystem, const char* url, TF_Status* status) {
  Run(filesystem, url, status, [](S3Filesystem& fs, const ObjectPath& path) { return fs.DeleteFile(path); });
}

void DeleteDir(const TF_Filesystem* filesystem, const char* url, TF_Status* status) {
  Run(filesystem, url, status, [](S3Filesystem& fs, const ObjectPath& path) { return fs.DeleteDir(path); });
}

void DeleteRecursively(const TF_Filesystem* filesystem, const char* url, uint64_t* undeleted_files,
                       uint64_t* undeleted_dirs, TF_Status* status) {
  *undeleted_files = 0;
  *undeleted_dirs = 1;
  Run(filesystem, url, status, [&](S3Filesystem& fs, const ObjectPath& path) {
    return fs.DeleteRecursively(path, *undeleted_files, *undeleted_dirs);
  });
}

void RenameFile(const TF_Filesystem* filesystem, const char* source_url, const char* target_url, TF_Status* status) {
  RunOnTwo(filesystem, source_url, target_url, status,
           [](S3Filesystem& fs, const ObjectPath& source, const ObjectPath& target) { return fs.Rename(source, target); });
}

void CopyFile(const TF_Filesystem* filesystem, const char* source_url, const char* target_url, TF_Status* status) {
  RunOnTwo(filesystem, source_url, target_url, status,
           [](S3Filesystem& fs, const ObjectPath& source, const ObjectPath& target) { return fs.Copy(source, target); });
}

void PathExists(const TF_Filesystem* filesystem, const char* url, TF_Status* status) {
  Run(filesystem, url, status, [](S3Filesystem& fs, const ObjectPath& path) {
    FileInfo info;
    return fs.Stat(path, info);
  });
}

void Stat(const TF_Filesystem* filesystem, const char* url, TF_FileStatistics* stats, TF_Status* status) {
  Run(filesystem, url, status, [stats](S3Filesystem& fs, const ObjectPath& path) {
    FileInfo info;
    engine::Status result = fs.Stat(path, info);
    if (result.ok()) {
      stats->length = info.is_directory ? 0 : static_cast<int64_t>(info.size);
      stats->mtime_nsec = static_cast<int64_t>(info.mtime_ms * 1e6);
      stats->is_directory = info.is_directory;
    }
    return result;
  });
}

bool IsDirectory(const TF_Filesystem* filesystem, const char* url, TF_Status* status) {
  return Run(filesystem, url, status, [](S3Filesystem& fs, const ObjectPath& path) {
    FileInfo info;
    engine::Status result = fs.Stat(path, info);
    if (result.ok() && !info.is_directory) result = engine::Status::Error("ENOTDIR", "not a directory");
    return result;
  });
}

int64_t GetFileSize(const TF_Filesystem* filesystem, const char* url, TF_Status* status) {
  uint64_t size = 0;
  bool ok = Run(filesystem, url, status, [&size](S3Filesystem& fs, const ObjectPath& path) {
    FileInfo info;
    engine::Status result = fs.Stat(path, info);
    if (result.ok() && info.is_directory) result = engine::Status::Error("EISDIR", "is a directory");
    size = info.size;
    return result;
  });
  return ok ? static_cast<int64_t>(size) : -1;
}

int GetChildren(const TF_Filesystem* filesystem, const char* url, char*** entries, TF_Status* status) {
  std::vector<std::string> names;
  bool ok = Run(filesystem, url, status, [&names](S3Filesystem& fs, const ObjectPath& path) { return fs.GetChildren(path, names); });
  return ok ? ReturnList(names, entries) : -1;
}

int GetMatchingPaths(const TF_Filesystem* filesystem, const char* pattern, char*** entries, TF_Status* status) {
  S3Filesystem* fs = Filesystem(filesystem, status);
  if (fs == nullptr) return -1;
  std::vector<std::string> matches;
  engine::Status result = fs->GetMatchingPaths(pattern, matches);
  Report(status, result, pattern);
  return result.ok() ? ReturnList(matches, entries) : -1;
}

template <typename Table>
Table* NewTable() {
  return static_cast<Table*>(std::calloc(1, sizeof(Table)));
}

}  // namespace

}  // namespace s3fs::tensorflow_plugin

extern "C" __attribute__((visibility("default"))) void TF_InitPlugin(TF_FilesystemPluginInfo* info) {
  using namespace s3fs::tensorflow_plugin;
  info->plugin_memory_allocate = std::malloc;
  info->plugin_memory_free = std::free;
  if (!FindTensorFlowStatusApi()) {
    std::fprintf(stderr, "s3fs-native: no loaded TensorFlow library exports TF_SetStatus; s3:// is not registered\n");
    info->num_schemes = 0;
    info->ops = nullptr;
    return;
  }
  info->num_schemes = 1;
  info->ops = static_cast<TF_FilesystemPluginOps*>(std::calloc(1, sizeof(TF_FilesystemPluginOps)));
  TF_FilesystemPluginOps* ops = info->ops;
  TF_SetFilesystemVersionMetadata(ops);
  ops->scheme = CopyString("s3");

  ops->random_access_file_ops = NewTable<TF_RandomAccessFileOps>();
  ops->random_access_file_ops->cleanup = RandomAccessCleanup;
  ops->random_access_file_ops->read = RandomAccessRead;

  ops->writable_file_ops = NewTable<TF_WritableFileOps>();
  ops->writable_file_ops->cleanup = WritableCleanup;
  ops->writable_file_ops->append = WritableAppend;
  ops->writable_file_ops->tell = WritableTell;
  ops->writable_file_ops->flush = WritableFlush;
  ops->writable_file_ops->sync = WritableFlush;
  ops->writable_file_ops->close = WritableClose;

  ops->read_only_memory_region_ops = NewTable<TF_ReadOnlyMemoryRegionOps>();
  ops->read_only_memory_region_ops->cleanup = RegionCleanup;
  ops->read_only_memory_region_ops->data = RegionData;
  ops->read_only_memory_region_ops->length = RegionLength;

  TF_FilesystemOps* fs = ops->filesystem_ops = NewTable<TF_FilesystemOps>();
  fs->init = Init;
  fs->cleanup = Cleanup;
  fs->translate_name = TranslateName;
  fs->new_random_access_file = NewRandomAccessFile;
  fs->new_writable_file = NewWritableFile;
  fs->new_appendable_file = NewAppendableFile;
  fs->new_read_only_memory_region_from_file = NewMemoryRegion;
  fs->create_dir = CreateDir;
  fs->recursively_create_dir = RecursivelyCreateDir;
  fs->delete_file = DeleteFile;
  fs->delete_dir = DeleteDir;
  fs->delete_recursively = DeleteRecursively;
  fs->rename_file = RenameFile;
  fs->copy_file = CopyFile;
  fs->path_exists = PathExists;
  fs->stat = Stat;
  fs->is_directory = IsDirectory;
  fs->get_file_size = GetFileSize;
  fs->get_children = GetChildren;
  fs->get_matching_paths = GetMatchingPaths;
}
