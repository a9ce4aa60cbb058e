// Lets libtorch read an archive in place; reads past the end come back short, never overrun.
#pragma once

#include <caffe2/serialize/read_adapter_interface.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace modelkv {

class MemoryReader final : public caffe2::serialize::ReadAdapterInterface {
 public:
  MemoryReader(const void* data, size_t size) : data_(static_cast<const char*>(data)), size_(size) {}
  size_t size() const override { return size_; }
  size_t read(uint64_t pos, void* buf, size_t n, const char* /*what*/) const override {
    if (pos >= size_) return 0;
    size_t count = std::min<uint64_t>(n, size_ - pos);
    std::memcpy(buf, data_ + pos, count);
    return count;
  }

 private:
  const char* data_;
  size_t size_;
};

}  // namespace modelkv
