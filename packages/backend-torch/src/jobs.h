// The addon's asynchronous operations: each reads its arguments on the JS thread, does the
// libtorch work on a pool thread and builds its result back on the JS thread.
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "native_tensor.h"
#include "torch_model.h"
#include "torch_script.h"
#include "worker_pool.h"

namespace modelkv {

class LoadModelJob final : public Job {
 public:
  LoadModelJob(Napi::Env env, Napi::Buffer<uint8_t> blob, DeviceIndex device);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  Napi::Reference<Napi::Buffer<uint8_t>> blobRef_;  // keeps the bytes alive while they are read
  const uint8_t* data_;
  size_t size_;
  DeviceIndex device_;
  std::shared_ptr<TorchModel> model_;
};

class CompileScriptJob final : public Job {
 public:
  CompileScriptJob(Napi::Env env, std::string source, DeviceIndex device);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  std::string source_;
  DeviceIndex device_;
  std::shared_ptr<TorchScript> script_;
};

// Common part of model and script runs: input tensors viewed over JS Buffers held by reference,
// and the outputs handed back as Buffers over libtorch's memory.
class TensorRunJob : public Job {
 protected:
  TensorRunJob(Napi::Env env, Napi::Value inputs, Napi::Value outputCount);
  Napi::Value Result(Napi::Env env) override;

  std::vector<InputTensor> inputs_;
  size_t outputCount_;
  std::vector<OutputTensor> outputs_;

 private:
  std::vector<Napi::Reference<Napi::Value>> inputRefs_;
};

class RunModelJob final : public TensorRunJob {
 public:
  RunModelJob(Napi::Env env, std::shared_ptr<TorchModel> model, Napi::Value inputs, Napi::Value outputCount);

 protected:
  void Run() override;

 private:
  std::shared_ptr<TorchModel> model_;
};

class RunScriptJob final : public TensorRunJob {
 public:
  RunScriptJob(Napi::Env env, std::shared_ptr<TorchScript> script, std::string fn, Napi::Value inputs, Napi::Value outputCount);

 protected:
  void Run() override;

 private:
  std::shared_ptr<TorchScript> script_;
  std::string fn_;
};

}  // namespace modelkv
