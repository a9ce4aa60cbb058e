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
  std::vector<Signature> functions;
};

TorchScript::TorchScript(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TorchScript::~TorchScript() = default;

std::shared_ptr<TorchScript> TorchScript::Compile(const std::string& source, DeviceIndex device) {
  return WithTorchErrors([&] {
    std::shared_ptr<torch::jit::CompilationUnit> unit = torch::jit::compile(source);
    InstrumentLoops(*unit);
    std::vector<Signature> functions;
    for (torch::jit::Function* fn : unit->get_functions()) {
      Signature signature{fn->name(), {}};
      for (const c10::Argument& arg : fn->getSchema().arguments()) signature.argTypes.push_back(arg.type()->annotation_str());
      functions.push_back(std::move(signature));
    }
    return std::shared_ptr<TorchScript>(
        new TorchScript(std::make_unique<Impl>(Impl{std::move(unit), TorchDevice(device), std::move(functions)})));
  });
}

const std::vector<TorchScript::Signature>& TorchScript::Functions() const { return impl_->functions; }

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

std::vector<OutputTensor> TorchScript::RunEntryPoint(const std::string& fn, const std::vector<InputTensor>& inputs,
                                                     const std::vector<std::string>& keys, const std::vector<std::string>& args,
                                                     size_t outputCount) {
  return WithTorchErrors([&] {
    torch::jit::Function* function = impl_->unit->find_function(c10::QualifiedName(fn));
    if (function == nullptr) throw std::runtime_error("function '" + fn + "' is not defined in the script");
    c10::InferenceMode guard;
    c10::List<at::Tensor> tensors;
    for (c10::IValue& t : ToTorch(inputs, impl_->device)) tensors.push_back(std::move(t).toTensor());
    c10::List<std::string> keyList;
    for (const std::string& k : keys) keyList.push_back(k);
    c10::List<std::string> argList;
    for (const std::string& a : args) argList.push_back(a);
    std::vector<c10::IValue> stack{c10::IValue(std::move(tensors)), c10::IValue(std::move(keyList)), c10::IValue(std::move(argList))};
    c10::IValue result = (*function)(std::move(stack));
    return FromTorch(std::move(result), outputCount, "function '" + fn + "'");
  });
}

}  // namespace modelkv
