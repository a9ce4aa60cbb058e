// Conversions between modelkv's tensor layout (little-endian data; STRING as NUL-terminated
// UTF-8 elements) and libtensorflow tensors. Safe to call off the JS thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tf_handles.h"

namespace modelkv_tf {

/** A modelkv tensor's bytes, borrowed from a JS Buffer that stays referenced meanwhile. */
struct TensorView {
  TF_DataType dtype;
  std::vector<int64_t> dims;
  const uint8_t* data;
  size_t length;
};

/**
 * A tensor built for feeding a session: it owns a copy of the view's bytes, and for STRING the
 * TF_TString elements, which libtensorflow does not free in buffers it did not allocate.
 */
class InputTensor {
 public:
  /** Throws std::runtime_error when the bytes do not fit dtype and shape. */
  explicit InputTensor(const TensorView& view);
  ~InputTensor();
  InputTensor(const InputTensor&) = delete;
  InputTensor& operator=(const InputTensor&) = delete;
  InputTensor(InputTensor&& other) noexcept;
  InputTensor& operator=(InputTensor&&) = delete;

  TF_Tensor* get() const { return tensor_; }

 private:
  TF_Tensor* tensor_ = nullptr;
};

/** The dimensions of a tensor. */
std::vector<int64_t> Dims(const TF_Tensor* tensor);

/**
 * A STRING tensor's elements in modelkv's layout. Throws std::runtime_error naming `what` when
 * an element holds a NUL byte, which that layout cannot carry.
 */
std::string StringsToBlob(const TF_Tensor* tensor, const std::string& what);

}  // namespace modelkv_tf
