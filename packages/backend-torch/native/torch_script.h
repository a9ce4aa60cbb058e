// TorchScript source compiled into a set of functions that can be called by name.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dtypes.h"
#include "op_inspection.h"

namespace modelkv {

class TorchScript {
 public:
  // Compiles source; a compile error throws with TorchScript's message (line and column).
  static std::shared_ptr<TorchScript> Compile(const std::string& source, DeviceIndex device);
  ~TorchScript();

  // A function of the script with its arguments' types as TorchScript writes them (`List[Tensor]`).
  struct Signature {
    std::string name;
    std::vector<std::string> argTypes;
  };
  const std::vector<Signature>& Functions() const;
  // The operators the script's functions use (see op_inspection.h).
  std::vector<OpUse> Ops() const;
  // Calls function `fn` with the inputs as its arguments. Thread-safe.
  std::vector<OutputTensor> Run(const std::string& fn, const std::vector<InputTensor>& inputs, size_t outputCount);
  // Calls entry point `fn` as RedisAI 1.2 does: fn(tensors: List[Tensor], keys: List[str], args: List[str]). Thread-safe.
  std::vector<OutputTensor> RunEntryPoint(const std::string& fn, const std::vector<InputTensor>& inputs,
                                          const std::vector<std::string>& keys, const std::vector<std::string>& args, size_t outputCount);

 private:
  struct Impl;
  explicit TorchScript(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace modelkv
