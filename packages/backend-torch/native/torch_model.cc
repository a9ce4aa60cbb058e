#include "torch_model.h"

#include <c10/core/InferenceMode.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/serialization/import.h>

#include <utility>

#include "deadline.h"
#include "memory_reader.h"
#include "torch_tensors.h"

namespace modelkv {

struct TorchModel::Impl {
  torch::jit::Module module;
  c10::Device device;
  std::optional<std::vector<std::string>> inputNames;
};

TorchModel::TorchModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TorchModel::~TorchModel() = default;

std::shared_ptr<TorchModel> TorchModel::Load(const void* data, size_t size, DeviceIndex device) {
  return WithTorchErrors([&] {
    c10::Device dev = TorchDevice(device);
    torch::jit::Module module = torch::jit::load(std::make_shared<MemoryReader>(data, size), dev);
    module.eval();
    InstrumentLoops(*module._ivalue()->compilation_unit());
    auto forward = module.find_method("forward");
    if (!forward) throw std::runtime_error("the TorchScript module has no forward method");
    const auto& args = forward->function().getSchema().arguments();
    std::optional<std::vector<std::string>> names(std::in_place);
    for (size_t i = 1; i < args.size(); i++) {  // 0 is self
      if (args[i].default_value()) {
        names.reset();
        break;
      }
      names->push_back(args[i].name());
    }
    return std::shared_ptr<TorchModel>(new TorchModel(std::make_unique<Impl>(Impl{std::move(module), dev, std::move(names)})));
  });
}

const std::optional<std::vector<std::string>>& TorchModel::InputNames() const { return impl_->inputNames; }

std::vector<OutputTensor> TorchModel::Forward(const std::vector<InputTensor>& inputs, size_t outputCount) {
  return WithTorchErrors([&] {
    c10::InferenceMode guard;
    c10::IValue result = impl_->module.forward(ToTorch(inputs, impl_->device));
    return FromTorch(std::move(result), outputCount, "model");
  });
}

}  // namespace modelkv
