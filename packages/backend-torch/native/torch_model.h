// A TorchScript module (as torch.jit.save writes it) loaded onto one device.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dtypes.h"

namespace modelkv {

class TorchModel {
 public:
  // Reads an archive from memory; throws std::runtime_error with libtorch's reason.
  static std::shared_ptr<TorchModel> Load(const void* data, size_t size, DeviceIndex device);
  ~TorchModel();

  // forward's argument names after self, or nothing when some have defaults (then libtorch
  // checks the count itself).
  const std::optional<std::vector<std::string>>& InputNames() const;
  // Runs forward; the outputs (a tensor, or tuples / lists of them, flattened in order) must
  // number `outputCount`. Thread-safe.
  std::vector<OutputTensor> Forward(const std::vector<InputTensor>& inputs, size_t outputCount);

 private:
  struct Impl;
  explicit TorchModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace modelkv
