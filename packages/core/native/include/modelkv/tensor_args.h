// Tensors as a backend's JS side hands them to its addon, `{ dtype: string, shape: number[],
// data: Buffer }`, and as the addon returns them. The dtype word is the backend's to map; shapes
// are checked here (whole, non-negative, element count without overflow).
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace modelkv {

struct TensorArg {
  std::string dtype;
  std::vector<int64_t> shape;
  uint64_t elements;
  const uint8_t* data;
  size_t bytes;
};

// Input tensors read on the JS thread. Their Buffers stay referenced, so the bytes stay valid,
// for as long as this object lives; it must be destroyed on the JS thread.
class TensorArgs {
 public:
  TensorArgs(Napi::Env env, Napi::Value inputs) {
    if (!inputs.IsArray()) throw Napi::TypeError::New(env, "inputs must be an array of tensors");
    Napi::Array array = inputs.As<Napi::Array>();
    for (uint32_t i = 0; i < array.Length(); i++) Read(env, array.Get(i), i);
  }

  const std::vector<TensorArg>& args() const { return args_; }
  size_t size() const { return args_.size(); }

 private:
  void Read(Napi::Env env, Napi::Value value, uint32_t index) {
    const std::string where = "input " + std::to_string(index) + ": ";
    if (!value.IsObject()) throw Napi::TypeError::New(env, where + "expected { dtype, shape, data }");
    Napi::Object obj = value.As<Napi::Object>();
    Napi::Value dtype = obj.Get("dtype");
    Napi::Value shape = obj.Get("shape");
    Napi::Value data = obj.Get("data");
    if (!dtype.IsString() || !shape.IsArray() || !data.IsBuffer()) {
      throw Napi::TypeError::New(env, where + "expected { dtype: string, shape: number[], data: Buffer }");
    }
    TensorArg arg{dtype.As<Napi::String>().Utf8Value(), {}, 1, nullptr, 0};
    Napi::Array dims = shape.As<Napi::Array>();
    for (uint32_t d = 0; d < dims.Length(); d++) {
      Napi::Value v = dims.Get(d);
      double dim = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
      if (!(dim >= 0) || dim != std::floor(dim) || dim > 9007199254740991.0)
        throw Napi::Error::New(env, where + "invalid dimension in shape");
      uint64_t n = static_cast<uint64_t>(dim);
      if (n != 0 && arg.elements > std::numeric_limits<uint64_t>::max() / n) throw Napi::Error::New(env, where + "shape too large");
      arg.elements *= n;
      arg.shape.push_back(static_cast<int64_t>(n));
    }
    Napi::Buffer<uint8_t> buffer = data.As<Napi::Buffer<uint8_t>>();
    arg.data = buffer.Data();
    arg.bytes = buffer.Length();
    args_.push_back(std::move(arg));
    pins_.push_back(Napi::Persistent(data));
  }

  std::vector<TensorArg> args_;
  std::vector<Napi::Reference<Napi::Value>> pins_;
};

// A whole number in [0, max], e.g. an output count.
inline size_t ReadCount(Napi::Env env, Napi::Value value, const char* what, size_t max) {
  double n = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : -1;
  if (!(n >= 0) || n != std::floor(n) || n > static_cast<double>(max)) {
    throw Napi::TypeError::New(env, std::string(what) + " must be a whole number up to " + std::to_string(max));
  }
  return static_cast<size_t>(n);
}

inline Napi::Object TensorObject(Napi::Env env, const char* dtype, const std::vector<int64_t>& shape, Napi::Buffer<uint8_t> data) {
  Napi::Object obj = Napi::Object::New(env);
  obj.Set("dtype", dtype);
  Napi::Array dims = Napi::Array::New(env, shape.size());
  for (uint32_t i = 0; i < shape.size(); i++) dims.Set(i, Napi::Number::New(env, static_cast<double>(shape[i])));
  obj.Set("shape", dims);
  obj.Set("data", data);
  return obj;
}

}  // namespace modelkv
