// Native memory handed to JS as a Buffer without a copy: `owner` (the library's tensor) keeps the
// bytes alive until the Buffer is collected, and V8 is told about the memory so that garbage
// collection weighs it.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <utility>

namespace modelkv {

inline Napi::Buffer<uint8_t> ExternalBuffer(Napi::Env env, void* data, size_t bytes, std::shared_ptr<void> owner) {
  if (bytes == 0 || data == nullptr) return Napi::Buffer<uint8_t>::New(env, 0);
  struct Hold {
    std::shared_ptr<void> owner;
    int64_t bytes;
  };
  auto hold = std::make_unique<Hold>(Hold{std::move(owner), static_cast<int64_t>(bytes)});
  // Accounted before: where external buffers are not allowed, NewOrCopy copies and finalizes at once.
  Napi::MemoryManagement::AdjustExternalMemory(env, hold->bytes);
  Napi::Buffer<uint8_t> buffer = Napi::Buffer<uint8_t>::NewOrCopy(
      env, static_cast<uint8_t*>(data), bytes,
      [](Napi::Env finalizeEnv, uint8_t*, Hold* h) {
        Napi::MemoryManagement::AdjustExternalMemory(finalizeEnv, -h->bytes);
        delete h;
      },
      hold.get());
  hold.release();
  return buffer;
}

}  // namespace modelkv
