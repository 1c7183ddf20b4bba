// GzipReader: reads a file that may be gzip-compressed (or plain: zlib passes it through), in
// chunks for the XES parser or line by line for the CSV reader.
//
// Ownership: owns the zlib handle; not copyable. Thread-compatible (one reader per thread).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ledger/domain/result.h"

namespace tl::tools::import {

class GzipReader {
 public:
  // kUnavailable when the file cannot be opened.
  static Result<std::unique_ptr<GzipReader>> Open(const std::string& path);
  ~GzipReader();
  GzipReader(const GzipReader&) = delete;
  GzipReader& operator=(const GzipReader&) = delete;

  // Up to `capacity` bytes into `buffer`; 0 at the end. kCorruption on a damaged gzip stream.
  Result<size_t> Read(char* buffer, size_t capacity);

  // The next line without its "\n" (or "\r\n"); false at the end of the input. The view stays
  // valid until the next call. A last line without a newline is still returned.
  Result<bool> NextLine(std::string_view* line);

  // Back to the start of the input, as if just opened.
  Status Rewind();
  // Bytes of the file consumed so far (compressed position), for progress.
  uint64_t CompressedOffset() const;
  uint64_t FileSize() const { return file_size_; }

 private:
  struct Handle;
  GzipReader(std::unique_ptr<Handle> handle, std::string path, uint64_t file_size);
  Status Fill();  // reads more into buffer_ after the unread tail
  // One gzread into `buffer`; sets eof_ at the end, and reports a damaged or cut-off stream.
  Result<size_t> Inflate(char* buffer, size_t capacity);

  std::unique_ptr<Handle> handle_;
  std::string path_;
  uint64_t file_size_ = 0;
  std::string buffer_;  // bytes read but not yet returned start at begin_
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
};

}  // namespace tl::tools::import
