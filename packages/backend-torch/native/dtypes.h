// Tensors as they cross between the N-API side and the libtorch side; no torch or N-API types here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace modelkv {

// Element types modelkv and libtorch 1.13 share. UINT16 and STRING have no libtorch equivalent.
enum class DType { Float, Double, Int8, Int16, Int32, Int64, UInt8, Bool };

const char* DTypeName(DType dtype);
size_t DTypeSize(DType dtype);
// Parses a wire name; on failure returns false and says why in `why`.
bool ParseDType(const std::string& name, DType* out, std::string* why);

// An input viewed over memory that the JS side keeps alive until the run settles.
struct InputTensor {
  DType dtype;
  std::vector<int64_t> shape;
  const void* data;
  size_t bytes;
};

// An output: contiguous CPU bytes kept alive by `owner` (the libtorch tensor that holds them).
struct OutputTensor {
  DType dtype;
  std::vector<int64_t> shape;
  void* data;
  size_t bytes;
  std::shared_ptr<void> owner;
};

// Where a model or script runs: -1 for the CPU, n for CUDA device n.
using DeviceIndex = int;
constexpr DeviceIndex kCpu = -1;

}  // namespace modelkv
