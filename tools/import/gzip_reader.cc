#include "tools/import/gzip_reader.h"

#include <fmt/format.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace tl::tools::import {
namespace {

constexpr size_t kChunk = 1u << 20;

// zlib ends a cut-off gzip stream like a complete one and only says so through gzerror
// (Z_BUF_ERROR): a truncated download must not pass for a shorter log.
Status EndOfInput(gzFile file, const std::string& path) {
  int code = Z_OK;
  const char* message = gzerror(file, &code);
  if (code == Z_OK) return Status::Ok();
  if (code == Z_BUF_ERROR) {
    return Status::DataLoss(fmt::format("{}: the gzip stream is cut off", path));
  }
  return Status::DataLoss(fmt::format("{}: {}", path, message));
}

}  // namespace

struct GzipReader::Handle {
  gzFile file = nullptr;
  ~Handle() {
    if (file) gzclose_r(file);
  }
};

GzipReader::GzipReader(std::unique_ptr<Handle> handle, std::string path, uint64_t file_size)
    : handle_(std::move(handle)), path_(std::move(path)), file_size_(file_size) {}
GzipReader::~GzipReader() = default;

Result<std::unique_ptr<GzipReader>> GzipReader::Open(const std::string& path) {
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return Status::Unavailable(fmt::format("cannot read {}: {}", path, ec.message()));
  auto handle = std::make_unique<Handle>();
  handle->file = gzopen(path.c_str(), "rb");
  if (handle->file == nullptr) {
    return Status::Unavailable(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  }
  gzbuffer(handle->file, 256u << 10);
  return std::unique_ptr<GzipReader>(new GzipReader(std::move(handle), path, size));
}

Result<size_t> GzipReader::Read(char* buffer, size_t capacity) {
  // Bytes that NextLine has buffered come first, so the two ways of reading may be mixed.
  if (begin_ < end_) {
    size_t n = std::min(capacity, end_ - begin_);
    std::memcpy(buffer, buffer_.data() + begin_, n);
    begin_ += n;
    return n;
  }
  if (eof_) return size_t{0};
  return Inflate(buffer, std::min(capacity, kChunk));
}

Result<size_t> GzipReader::Inflate(char* buffer, size_t capacity) {
  int n = gzread(handle_->file, buffer, static_cast<unsigned>(capacity));
  if (n < 0) {
    int code = 0;
    const char* message = gzerror(handle_->file, &code);
    return Status::DataLoss(fmt::format("{}: {}", path_, message));
  }
  if (n == 0) {
    eof_ = true;
    TL_RETURN_IF_ERROR(EndOfInput(handle_->file, path_));
  }
  return static_cast<size_t>(n);
}

Status GzipReader::Fill() {
  if (begin_ > 0) {
    buffer_.erase(0, begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buffer_.size() < end_ + kChunk) buffer_.resize(end_ + kChunk);
  TL_ASSIGN_OR_RETURN(size_t n, Inflate(buffer_.data() + end_, kChunk));
  end_ += n;
  return Status::Ok();
}

Result<bool> GzipReader::NextLine(std::string_view* line) {
  size_t scanned = begin_;
  for (;;) {
    const void* nl = std::memchr(buffer_.data() + scanned, '\n', end_ - scanned);
    if (nl != nullptr) {
      size_t pos = static_cast<const char*>(nl) - buffer_.data();
      size_t len = pos - begin_;
      if (len > 0 && buffer_[pos - 1] == '\r') --len;
      *line = std::string_view(buffer_.data() + begin_, len);
      begin_ = pos + 1;
      return true;
    }
    if (eof_) {
      if (begin_ == end_) return false;
      size_t len = end_ - begin_;
      if (buffer_[end_ - 1] == '\r') --len;
      *line = std::string_view(buffer_.data() + begin_, len);
      begin_ = end_;
      return true;
    }
    const size_t unread = end_ - begin_;
    TL_RETURN_IF_ERROR(Fill());
    scanned = unread;  // Fill moved the unread bytes to the front
  }
}

Status GzipReader::Rewind() {
  if (gzrewind(handle_->file) != 0) {
    return Status::Unavailable(fmt::format("cannot read {} again from its start", path_));
  }
  buffer_.clear();
  begin_ = end_ = 0;
  eof_ = false;
  return Status::Ok();
}

uint64_t GzipReader::CompressedOffset() const {
  z_off_t offset = gzoffset(handle_->file);
  return offset < 0 ? 0 : static_cast<uint64_t>(offset);
}

}  // namespace tl::tools::import
