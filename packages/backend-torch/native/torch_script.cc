#include "torch_script.h"

#include <c10/core/InferenceMode.h>
#include <torch/jit.h>

#include <utility>

#include "deadline.h"
#include "torch_tensors.h"

namespace modelkv {

struct TorchScript::Impl {
  std::shared_ptr<torch::jit::CompilationUnit> unit;
  c10::Device device;
  std::vector<std::string> functionNames;
};

TorchScript::TorchScript(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TorchScript::~TorchScript() = default;

std::shared_ptr<TorchScript> TorchScript::Compile(const std::string& source, DeviceIndex device) {
  return WithTorchErrors([&] {
    std::shared_ptr<torch::jit::CompilationUnit> unit = torch::jit::compile(source);
    InstrumentLoops(*unit);
    std::vector<std::string> names;
    for (const torch::jit::Function* fn : unit->get_functions()) names.push_back(fn->name());
    return std::shared_ptr<TorchScript>(
        new TorchScript(std::make_unique<Impl>(Impl{std::move(unit), TorchDevice(device), std::move(names)})));
  });
}

const std::vector<std::string>& TorchScript::FunctionNames() const { return impl_->functionNames; }

std::vector<OpUse> TorchScript::Ops() const { return CollectOps(*impl_->unit); }

std::vector<OutputTensor> TorchScript::Run(const std::string& fn, const std::vector<InputTensor>& inputs, size_t outputCount) {
  return WithTorchErrors([&] {
    torch::jit::Function* function = impl_->unit->find_function(c10::QualifiedName(fn));
    if (function == nullptr) throw std::runtime_error("function '" + fn + "' is not defined in the script");
    c10::InferenceMode guard;
    c10::IValue result = (*function)(ToTorch(inputs, impl_->device));
    return FromTorch(std::move(result), outputCount, "function '" + fn + "'");
  });
}

}  // namespace modelkv
