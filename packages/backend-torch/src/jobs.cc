#include "jobs.h"

#include <cmath>
#include <limits>
#include <utility>

#include "handles.h"

namespace modelkv {

namespace {

// Reads `{ dtype, shape, data }`; checks the data length against shape and dtype, since the
// libtorch side reads exactly that many bytes.
InputTensor ReadInput(Napi::Env env, Napi::Value value, size_t index, Napi::Value* dataOut) {
  const std::string where = "input " + std::to_string(index) + ": ";
  if (!value.IsObject()) throw Napi::TypeError::New(env, where + "expected a tensor object");
  Napi::Object obj = value.As<Napi::Object>();
  Napi::Value dtypeValue = obj.Get("dtype");
  Napi::Value shapeValue = obj.Get("shape");
  Napi::Value dataValue = obj.Get("data");
  if (!dtypeValue.IsString() || !shapeValue.IsArray() || !dataValue.IsTypedArray()) {
    throw Napi::TypeError::New(env, where + "expected { dtype: string, shape: number[], data: Buffer }");
  }
  InputTensor input{};
  std::string why;
  if (!ParseDType(dtypeValue.As<Napi::String>().Utf8Value(), &input.dtype, &why)) throw Napi::Error::New(env, where + why);
  Napi::Array shape = shapeValue.As<Napi::Array>();
  uint64_t count = 1;
  for (uint32_t i = 0; i < shape.Length(); i++) {
    Napi::Value d = shape.Get(i);
    double dim = d.IsNumber() ? d.As<Napi::Number>().DoubleValue() : -1;
    if (!(dim >= 0) || dim != std::floor(dim) || dim > 9007199254740991.0)
      throw Napi::Error::New(env, where + "invalid dimension in shape");
    input.shape.push_back(static_cast<int64_t>(dim));
    if (dim != 0 && count > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(dim))
      throw Napi::Error::New(env, where + "shape too large");
    count *= static_cast<uint64_t>(dim);
  }
  Napi::TypedArray data = dataValue.As<Napi::TypedArray>();
  if (data.TypedArrayType() != napi_uint8_array) throw Napi::TypeError::New(env, where + "data must be a Buffer");
  Napi::Uint8Array bytes = data.As<Napi::Uint8Array>();
  if (count > std::numeric_limits<uint64_t>::max() / DTypeSize(input.dtype) || count * DTypeSize(input.dtype) != bytes.ByteLength()) {
    throw Napi::Error::New(
        env, where + "data length " + std::to_string(bytes.ByteLength()) + " does not match shape and dtype " + DTypeName(input.dtype));
  }
  input.data = bytes.Data();
  input.bytes = bytes.ByteLength();
  *dataOut = bytes;
  return input;
}

size_t ReadCount(Napi::Env env, Napi::Value value) {
  double n = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : -1;
  if (!(n >= 0) || n != std::floor(n) || n > 1e6) throw Napi::TypeError::New(env, "outputCount must be a whole number");
  return static_cast<size_t>(n);
}

Napi::Value OutputToJs(Napi::Env env, OutputTensor& out) {
  Napi::Object obj = Napi::Object::New(env);
  obj.Set("dtype", DTypeName(out.dtype));
  Napi::Array shape = Napi::Array::New(env, out.shape.size());
  for (uint32_t i = 0; i < out.shape.size(); i++) shape.Set(i, Napi::Number::New(env, static_cast<double>(out.shape[i])));
  obj.Set("shape", shape);
  if (out.bytes == 0) {
    obj.Set("data", Napi::Buffer<uint8_t>::New(env, 0));
    return obj;
  }
  // No copy: the Buffer keeps the libtorch tensor alive until it is collected.
  auto owner = std::make_unique<std::shared_ptr<void>>(std::move(out.owner));
  auto buffer = Napi::Buffer<uint8_t>::NewOrCopy(
      env, static_cast<uint8_t*>(out.data), out.bytes, [](Napi::Env, uint8_t*, std::shared_ptr<void>* hint) { delete hint; }, owner.get());
  owner.release();
  obj.Set("data", buffer);
  return obj;
}

}  // namespace

LoadModelJob::LoadModelJob(Napi::Env env, Napi::Buffer<uint8_t> blob, DeviceIndex device)
    : Job(env), blobRef_(Napi::Persistent(blob)), data_(blob.Data()), size_(blob.Length()), device_(device) {}

void LoadModelJob::Run() { model_ = TorchModel::Load(data_, size_, device_); }

Napi::Value LoadModelJob::Result(Napi::Env env) { return WrapHandle(env, std::move(model_)); }

CompileScriptJob::CompileScriptJob(Napi::Env env, std::string source, DeviceIndex device)
    : Job(env), source_(std::move(source)), device_(device) {}

void CompileScriptJob::Run() { script_ = TorchScript::Compile(source_, device_); }

Napi::Value CompileScriptJob::Result(Napi::Env env) { return WrapHandle(env, std::move(script_)); }

TensorRunJob::TensorRunJob(Napi::Env env, Napi::Value inputs, Napi::Value outputCount) : Job(env) {
  if (!inputs.IsArray()) throw Napi::TypeError::New(env, "inputs must be an array of tensors");
  Napi::Array array = inputs.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value data;
    inputs_.push_back(ReadInput(env, array.Get(i), i, &data));
    inputRefs_.push_back(Napi::Persistent(data));
  }
  outputCount_ = ReadCount(env, outputCount);
}

Napi::Value TensorRunJob::Result(Napi::Env env) {
  Napi::Array result = Napi::Array::New(env, outputs_.size());
  for (uint32_t i = 0; i < outputs_.size(); i++) result.Set(i, OutputToJs(env, outputs_[i]));
  return result;
}

RunModelJob::RunModelJob(Napi::Env env, std::shared_ptr<TorchModel> model, Napi::Value inputs, Napi::Value outputCount)
    : TensorRunJob(env, inputs, outputCount), model_(std::move(model)) {}

void RunModelJob::Run() { outputs_ = model_->Forward(inputs_, outputCount_); }

RunScriptJob::RunScriptJob(Napi::Env env, std::shared_ptr<TorchScript> script, std::string fn, Napi::Value inputs, Napi::Value outputCount)
    : TensorRunJob(env, inputs, outputCount), script_(std::move(script)), fn_(std::move(fn)) {}

void RunScriptJob::Run() { outputs_ = script_->Run(fn_, inputs_, outputCount_); }

}  // namespace modelkv
