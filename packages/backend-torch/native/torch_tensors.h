// Conversions between modelkv tensors and libtorch values, and libtorch errors made readable.
// Included only by the libtorch side of the addon.
#pragma once

#include <ATen/core/ivalue.h>
#include <c10/core/Device.h>
#include <c10/util/Exception.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "dtypes.h"

namespace modelkv {

c10::Device TorchDevice(DeviceIndex device);

// Copies each input into a tensor of its own on `device`: the stored tensor stays untouched even
// when a model writes into its inputs, and the source memory need not be aligned.
std::vector<c10::IValue> ToTorch(const std::vector<InputTensor>& inputs, const c10::Device& device);

// Flattens a tensor, tuple or list result into contiguous CPU outputs; `what` names the callee
// ("model", "function 'f'") in errors. Throws unless there are exactly `expected` tensors.
std::vector<OutputTensor> FromTorch(c10::IValue result, size_t expected, const std::string& what);

// A libtorch message made fit for one reply line: a TorchScript interpreter failure becomes the
// exception it raised, a compile error its reason with line and column.
std::string ReadableTorchMessage(const std::string& raw);

// Calls f, turning whatever libtorch throws into std::runtime_error with a readable message.
template <typename F>
auto WithTorchErrors(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const c10::Error& e) {
    throw std::runtime_error(ReadableTorchMessage(e.what_without_backtrace()));
  } catch (const std::exception& e) {
    throw std::runtime_error(ReadableTorchMessage(e.what()));
  }
}

}  // namespace modelkv
