#include "dtypes.h"

namespace modelkv {

namespace {
struct DTypeInfo {
  DType dtype;
  const char* name;
  size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {DType::Float, "FLOAT", 4}, {DType::Double, "DOUBLE", 8}, {DType::Int8, "INT8", 1},   {DType::Int16, "INT16", 2},
    {DType::Int32, "INT32", 4}, {DType::Int64, "INT64", 8},   {DType::UInt8, "UINT8", 1}, {DType::Bool, "BOOL", 1},
};
}  // namespace

const char* DTypeName(DType dtype) {
  for (const auto& d : kDTypes) {
    if (d.dtype == dtype) return d.name;
  }
  return "?";
}

size_t DTypeSize(DType dtype) {
  for (const auto& d : kDTypes) {
    if (d.dtype == dtype) return d.size;
  }
  return 0;
}

bool ParseDType(const std::string& name, DType* out, std::string* why) {
  for (const auto& d : kDTypes) {
    if (name == d.name) {
      *out = d.dtype;
      return true;
    }
  }
  if (name == "UINT16") {
    *why = "UINT16 tensors are not supported by the TORCH backend: libtorch 1.13 has no unsigned 16-bit type";
  } else if (name == "STRING") {
    *why = "STRING tensors are not supported by the TORCH backend: libtorch has no string tensors";
  } else {
    *why = "unknown dtype '" + name + "'";
  }
  return false;
}

}  // namespace modelkv
