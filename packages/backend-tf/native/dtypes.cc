#include "dtypes.h"

namespace modelkv_tf {
namespace {

struct Pair {
  const char* name;
  TF_DataType dtype;
};

constexpr Pair kSupported[] = {
    {"FLOAT", TF_FLOAT}, {"DOUBLE", TF_DOUBLE}, {"INT8", TF_INT8},     {"INT16", TF_INT16}, {"INT32", TF_INT32},
    {"INT64", TF_INT64}, {"UINT8", TF_UINT8},   {"UINT16", TF_UINT16}, {"BOOL", TF_BOOL},   {"STRING", TF_STRING},
};

}  // namespace

bool DTypeFromName(const std::string& name, TF_DataType* out) {
  for (const Pair& p : kSupported) {
    if (name == p.name) {
      *out = p.dtype;
      return true;
    }
  }
  return false;
}

const char* DTypeName(TF_DataType dtype) {
  for (const Pair& p : kSupported) {
    if (dtype == p.dtype) return p.name;
  }
  return nullptr;
}

std::string TFDTypeName(TF_DataType dtype) {
  switch (dtype) {
    case TF_FLOAT:
      return "float";
    case TF_DOUBLE:
      return "double";
    case TF_INT32:
      return "int32";
    case TF_UINT8:
      return "uint8";
    case TF_INT16:
      return "int16";
    case TF_INT8:
      return "int8";
    case TF_STRING:
      return "string";
    case TF_COMPLEX64:
      return "complex64";
    case TF_INT64:
      return "int64";
    case TF_BOOL:
      return "bool";
    case TF_QINT8:
      return "qint8";
    case TF_QUINT8:
      return "quint8";
    case TF_QINT32:
      return "qint32";
    case TF_BFLOAT16:
      return "bfloat16";
    case TF_QINT16:
      return "qint16";
    case TF_QUINT16:
      return "quint16";
    case TF_UINT16:
      return "uint16";
    case TF_COMPLEX128:
      return "complex128";
    case TF_HALF:
      return "half";
    case TF_RESOURCE:
      return "resource";
    case TF_VARIANT:
      return "variant";
    case TF_UINT32:
      return "uint32";
    case TF_UINT64:
      return "uint64";
    default:
      return "dtype " + std::to_string(static_cast<int>(dtype));
  }
}

}  // namespace modelkv_tf
