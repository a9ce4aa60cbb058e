// The element types modelkv tensors hold, and their libtensorflow counterparts.
#pragma once

#include <cstddef>
#include <string>

#include <tensorflow/c/c_api.h>

namespace modelkv_tf {

/** Parses a modelkv dtype name (FLOAT, ..., STRING); false when it is none of them. */
bool DTypeFromName(const std::string& name, TF_DataType* out);

/** The modelkv name of a libtensorflow dtype, or nullptr when modelkv has no such dtype. */
const char* DTypeName(TF_DataType dtype);

/** TensorFlow's own name for any dtype (for messages), e.g. "half", "uint32". */
std::string TFDTypeName(TF_DataType dtype);

}  // namespace modelkv_tf
