#include "torch_tensors.h"

#include <ATen/ATen.h>

#include <cstring>
#include <regex>
#include <sstream>
#include <utility>

namespace modelkv {

namespace {

at::ScalarType ToScalarType(DType dtype) {
  switch (dtype) {
    case DType::Float:
      return at::kFloat;
    case DType::Double:
      return at::kDouble;
    case DType::Int8:
      return at::kChar;
    case DType::Int16:
      return at::kShort;
    case DType::Int32:
      return at::kInt;
    case DType::Int64:
      return at::kLong;
    case DType::UInt8:
      return at::kByte;
    case DType::Bool:
      return at::kBool;
  }
  throw std::logic_error("unmapped dtype");
}

bool FromScalarType(at::ScalarType type, DType* out) {
  switch (type) {
    case at::kFloat:
      *out = DType::Float;
      return true;
    case at::kDouble:
      *out = DType::Double;
      return true;
    case at::kChar:
      *out = DType::Int8;
      return true;
    case at::kShort:
      *out = DType::Int16;
      return true;
    case at::kInt:
      *out = DType::Int32;
      return true;
    case at::kLong:
      *out = DType::Int64;
      return true;
    case at::kByte:
      *out = DType::UInt8;
      return true;
    case at::kBool:
      *out = DType::Bool;
      return true;
    default:
      return false;
  }
}

void Flatten(const c10::IValue& value, std::vector<at::Tensor>* out) {
  if (value.isTensor()) {
    out->push_back(value.toTensor());
  } else if (value.isTuple()) {
    for (const auto& element : value.toTupleRef().elements()) Flatten(element, out);
  } else if (value.isList()) {
    for (const auto& element : value.toListRef()) Flatten(element, out);
  } else {
    throw std::runtime_error(std::string("returned a value of type ") + value.tagKind() + ", not a tensor or a tuple or list of tensors");
  }
}

}  // namespace

c10::Device TorchDevice(DeviceIndex device) {
  return device == kCpu ? c10::Device(c10::kCPU) : c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(device));
}

std::vector<c10::IValue> ToTorch(const std::vector<InputTensor>& inputs, const c10::Device& device) {
  std::vector<c10::IValue> values;
  values.reserve(inputs.size());
  for (const auto& input : inputs) {
    at::Tensor t = at::empty(input.shape, at::TensorOptions().dtype(ToScalarType(input.dtype)));
    if (input.bytes > 0) std::memcpy(t.data_ptr(), input.data, input.bytes);
    if (!device.is_cpu()) t = t.to(device);
    values.emplace_back(std::move(t));
  }
  return values;
}

std::vector<OutputTensor> FromTorch(c10::IValue result, size_t expected, const std::string& what) {
  std::vector<at::Tensor> tensors;
  Flatten(result, &tensors);
  result = c10::IValue();  // so that use counts below see only the outputs' own references
  if (tensors.size() != expected) {
    throw std::runtime_error(what + " returned " + std::to_string(tensors.size()) + " tensor(s), but " + std::to_string(expected) +
                             " OUTPUTS key(s) were given");
  }
  std::vector<OutputTensor> outputs;
  outputs.reserve(tensors.size());
  for (size_t i = 0; i < tensors.size(); i++) {
    at::Tensor t = std::move(tensors[i]);
    DType dtype;
    if (!FromScalarType(t.scalar_type(), &dtype)) {
      throw std::runtime_error(what + " output " + std::to_string(i) + " has dtype " + std::string(c10::toString(t.scalar_type())) +
                               ", which modelkv tensors cannot hold (FLOAT, DOUBLE, INT8, INT16, INT32, INT64, UINT8, BOOL)");
    }
    if (t.layout() != at::kStrided) throw std::runtime_error(what + " output " + std::to_string(i) + " is not a dense tensor");
    t = t.to(at::kCPU).resolve_conj().resolve_neg().contiguous();
    // Memory shared with anything else (a parameter, another output, a view's base) is copied:
    // the bytes handed to JS must not change after the run.
    if (t.storage().use_count() > 1) t = t.clone();
    OutputTensor out{dtype, t.sizes().vec(), t.data_ptr(), static_cast<size_t>(t.numel()) * t.element_size(), nullptr};
    out.owner = std::shared_ptr<void>(new at::Tensor(std::move(t)), [](void* p) { delete static_cast<at::Tensor*>(p); });
    outputs.push_back(std::move(out));
  }
  return outputs;
}

namespace {

std::string Trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  size_t end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

std::string ReadableTorchMessage(const std::string& raw) {
  const std::vector<std::string> lines = Lines(raw);
  if (raw.find("The following operation failed in the TorchScript interpreter") != std::string::npos) {
    // A traceback; its last line is the exception that was raised.
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
      if (!Trim(*it).empty()) return Trim(*it);
    }
  }
  // A compile error: "<reason>:\n  File \"<string>\", line N\n<source>\n    ~~~ <--- HERE".
  static const std::regex location(R"(^\s*File "[^"]*", line (\d+))");
  for (size_t i = 0; i < lines.size(); i++) {
    std::smatch m;
    if (!std::regex_search(lines[i], m, location)) continue;
    std::string reason;
    for (size_t j = 0; j < i; j++) reason += (reason.empty() ? "" : " ") + Trim(lines[j]);
    while (!reason.empty() && reason.back() == ':') reason.pop_back();
    std::string where = " at line " + m[1].str();
    for (size_t j = i + 2; j < lines.size(); j++) {
      if (lines[j].find("<--- HERE") == std::string::npos) continue;
      size_t column = lines[j].find('~');
      if (column != std::string::npos) where += ", column " + std::to_string(column + 1);
      where += ": " + Trim(lines[j - 1]);
      break;
    }
    return Trim(reason) + where;
  }
  return Trim(raw);
}

}  // namespace modelkv
