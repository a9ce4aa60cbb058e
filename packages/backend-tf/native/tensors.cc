#include "tensors.h"

#include <cstring>
#include <stdexcept>

#include <tensorflow/c/tf_tstring.h>

namespace modelkv_tf {
namespace {

int64_t ElementCount(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

void ReleaseStrings(TF_Tensor* tensor) {
  auto* elements = static_cast<TF_TString*>(TF_TensorData(tensor));
  const int64_t n = TF_TensorElementCount(tensor);
  for (int64_t i = 0; i < n; ++i) TF_StringDealloc(&elements[i]);
}

}  // namespace

InputTensor::InputTensor(const TensorView& view) {
  const int64_t count = ElementCount(view.dims);
  const int ndims = static_cast<int>(view.dims.size());
  if (view.dtype != TF_STRING) {
    const size_t expected = static_cast<size_t>(count) * TF_DataTypeSize(view.dtype);
    if (view.length != expected) {
      throw std::runtime_error("tensor data holds " + std::to_string(view.length) + " bytes, its shape and type need " +
                               std::to_string(expected));
    }
    tensor_ = TF_AllocateTensor(view.dtype, view.dims.data(), ndims, expected);
    if (tensor_ == nullptr) throw std::runtime_error("libtensorflow could not allocate an input tensor");
    if (expected > 0) std::memcpy(TF_TensorData(tensor_), view.data, expected);
    return;
  }

  // Count the elements first, so a malformed blob never leaves a half-filled tensor.
  int64_t nuls = 0;
  for (size_t i = 0; i < view.length; ++i) nuls += view.data[i] == 0 ? 1 : 0;
  if (nuls != count || (count > 0 && view.data[view.length - 1] != 0)) {
    throw std::runtime_error("STRING tensor data holds " + std::to_string(nuls) + " NUL-terminated elements, its shape needs " +
                             std::to_string(count));
  }
  tensor_ = TF_AllocateTensor(TF_STRING, view.dims.data(), ndims, static_cast<size_t>(count) * sizeof(TF_TString));
  if (tensor_ == nullptr) throw std::runtime_error("libtensorflow could not allocate an input tensor");
  auto* elements = static_cast<TF_TString*>(TF_TensorData(tensor_));
  const auto* p = reinterpret_cast<const char*>(view.data);
  for (int64_t i = 0; i < count; ++i) {
    const size_t len = std::strlen(p);
    TF_StringInit(&elements[i]);
    TF_StringCopy(&elements[i], p, len);
    p += len + 1;
  }
}

InputTensor::InputTensor(InputTensor&& other) noexcept : tensor_(other.tensor_) { other.tensor_ = nullptr; }

InputTensor::~InputTensor() {
  if (tensor_ == nullptr) return;
  if (TF_TensorType(tensor_) == TF_STRING) ReleaseStrings(tensor_);
  TF_DeleteTensor(tensor_);
}

std::vector<int64_t> Dims(const TF_Tensor* tensor) {
  const int n = TF_NumDims(tensor);
  std::vector<int64_t> dims(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) dims[static_cast<size_t>(i)] = TF_Dim(tensor, i);
  return dims;
}

std::string StringsToBlob(const TF_Tensor* tensor, const std::string& what) {
  const auto* elements = static_cast<const TF_TString*>(TF_TensorData(tensor));
  const int64_t n = TF_TensorElementCount(tensor);
  std::string blob;
  for (int64_t i = 0; i < n; ++i) {
    const char* data = TF_StringGetDataPointer(&elements[i]);
    const size_t size = TF_StringGetSize(&elements[i]);
    if (size > 0 && std::memchr(data, 0, size) != nullptr) {
      throw std::runtime_error(what + " element " + std::to_string(i) + " holds a NUL byte, which a STRING tensor cannot carry");
    }
    blob.append(data, size);
    blob.push_back('\0');
  }
  return blob;
}

}  // namespace modelkv_tf
