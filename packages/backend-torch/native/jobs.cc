#include "jobs.h"

#include <modelkv/external_buffer.h>

#include <limits>
#include <utility>

#include "handles.h"

namespace modelkv {

namespace {

// The libtorch side reads exactly shape × dtype bytes, so the length is checked here.
InputTensor ToInput(Napi::Env env, const TensorArg& arg, size_t index) {
  const std::string where = "input " + std::to_string(index) + ": ";
  InputTensor input{};
  std::string why;
  if (!ParseDType(arg.dtype, &input.dtype, &why)) throw Napi::Error::New(env, where + why);
  const uint64_t size = DTypeSize(input.dtype);
  if (arg.elements > std::numeric_limits<uint64_t>::max() / size || arg.elements * size != arg.bytes) {
    throw Napi::Error::New(
        env, where + "data length " + std::to_string(arg.bytes) + " does not match shape and dtype " + DTypeName(input.dtype));
  }
  input.shape = arg.shape;
  input.data = arg.data;
  input.bytes = arg.bytes;
  return input;
}

Napi::Array OpsToJs(Napi::Env env, const std::vector<OpUse>& ops) {
  Napi::Array array = Napi::Array::New(env, ops.size());
  for (uint32_t i = 0; i < ops.size(); i++) {
    Napi::Object use = Napi::Object::New(env);
    use.Set("op", ops[i].op);
    use.Set("function", ops[i].function);
    array.Set(i, use);
  }
  return array;
}

}  // namespace

BlobJob::BlobJob(Napi::Env env, Napi::Buffer<uint8_t> blob)
    : Job(env), blobRef_(Napi::Persistent(blob)), data_(blob.Data()), size_(blob.Length()) {}

void InspectModelJob::Run() { ops_ = InspectArchive(data_, size_); }

Napi::Value InspectModelJob::Result(Napi::Env env) { return OpsToJs(env, ops_); }

void LoadModelJob::Run() { model_ = TorchModel::Load(data_, size_, device_); }

Napi::Value LoadModelJob::Result(Napi::Env env) { return WrapHandle(env, std::move(model_)); }

CompileScriptJob::CompileScriptJob(Napi::Env env, std::string source, DeviceIndex device, bool inspect)
    : Job(env), source_(std::move(source)), device_(device), inspect_(inspect) {}

void CompileScriptJob::Run() {
  script_ = TorchScript::Compile(source_, device_);
  if (inspect_) ops_ = script_->Ops();
}

Napi::Value CompileScriptJob::Result(Napi::Env env) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("script", WrapHandle(env, std::move(script_)));
  result.Set("ops", ops_ ? OpsToJs(env, *ops_) : env.Null());
  return result;
}

TensorRunJob::TensorRunJob(Napi::Env env, Napi::Value inputs, Napi::Value outputCount, Napi::Value timeoutMs)
    : Job(env),
      args_(env, inputs),
      timeoutMs_(timeoutMs.IsUndefined() ? 0 : static_cast<int64_t>(ReadCount(env, timeoutMs, "timeoutMs", 1e15))) {
  for (size_t i = 0; i < args_.size(); i++) inputs_.push_back(ToInput(env, args_.args()[i], i));
  outputCount_ = ReadCount(env, outputCount, "outputCount", 1000000);
  deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs_);
}

Napi::Value TensorRunJob::Result(Napi::Env env) {
  Napi::Array result = Napi::Array::New(env, outputs_.size());
  for (uint32_t i = 0; i < outputs_.size(); i++) {
    OutputTensor& out = outputs_[i];
    result.Set(i, TensorObject(env, DTypeName(out.dtype), out.shape, ExternalBuffer(env, out.data, out.bytes, std::move(out.owner))));
  }
  return result;
}

void RunModelJob::Run() {
  DeadlineScope deadline(deadline_, timeoutMs_);
  outputs_ = model_->Forward(inputs_, outputCount_);
}

void RunScriptJob::Run() {
  DeadlineScope deadline(deadline_, timeoutMs_);
  outputs_ =
      entry_ ? script_->RunEntryPoint(fn_, inputs_, entry_->keys, entry_->args, outputCount_) : script_->Run(fn_, inputs_, outputCount_);
}

}  // namespace modelkv
