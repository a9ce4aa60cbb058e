#include "jobs.h"

#include <modelkv/external_buffer.h>

#include <utility>

#include "dtypes.h"
#include "handles.h"

namespace modelkv_tf {

LoadJob::LoadJob(Napi::Env env, Napi::Buffer<uint8_t> graph_def, LoadRequest request)
    : Job(env),
      graph_def_(Napi::Persistent(graph_def)),
      data_(graph_def.Data()),
      length_(graph_def.Length()),
      request_(std::move(request)) {}

void LoadJob::Run() { state_ = LoadModel(data_, length_, request_); }

Napi::Value LoadJob::Result(Napi::Env env) { return modelkv::WrapHandle(env, std::move(state_)); }

RunJob::RunJob(Napi::Env env, std::shared_ptr<ModelState> state, Napi::Value inputs, Napi::Value timeoutMs)
    : Job(env),
      state_(std::move(state)),
      args_(env, inputs),
      timeoutMs_(timeoutMs.IsUndefined() ? 0 : static_cast<int64_t>(modelkv::ReadCount(env, timeoutMs, "timeoutMs", 1e15))) {
  if (args_.size() != state_->inputs.size()) {
    throw Napi::Error::New(env,
                           "the graph takes " + std::to_string(state_->inputs.size()) + " inputs, got " + std::to_string(args_.size()));
  }
  for (size_t i = 0; i < args_.size(); ++i) {
    const modelkv::TensorArg& arg = args_.args()[i];
    const Endpoint& expected = state_->inputs[i];
    TF_DataType dtype;
    if (!DTypeFromName(arg.dtype, &dtype)) throw Napi::TypeError::New(env, "input dtype must be a modelkv dtype name");
    if (dtype != expected.dtype) {
      throw Napi::Error::New(env, "input " + std::to_string(i) + " ('" + expected.name + "') must be " + DTypeName(expected.dtype) +
                                      ", got " + DTypeName(dtype));
    }
    views_.push_back(TensorView{dtype, arg.shape, arg.data, arg.bytes});
  }
}

void RunJob::Run() { outputs_ = RunModel(*state_, views_, timeoutMs_, &strings_); }

Napi::Value RunJob::Result(Napi::Env env) {
  Napi::Array result = Napi::Array::New(env, outputs_.size());
  for (size_t i = 0; i < outputs_.size(); ++i) {
    TF_Tensor* t = outputs_[i].get();
    const TF_DataType dtype = TF_TensorType(t);
    const std::vector<int64_t> dims = Dims(t);  // before the Buffer may take (and free) the tensor
    Napi::Buffer<uint8_t> data =
        dtype == TF_STRING ? Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(strings_[i].data()), strings_[i].size())
                           // No copy: the Buffer owns the output tensor and deletes it when collected.
                           : modelkv::ExternalBuffer(env, TF_TensorData(t), TF_TensorByteSize(t),
                                                     std::shared_ptr<TF_Tensor>(outputs_[i].release(), TF_DeleteTensor));
    result.Set(static_cast<uint32_t>(i), modelkv::TensorObject(env, DTypeName(dtype), dims, data));
  }
  return result;
}

}  // namespace modelkv_tf
