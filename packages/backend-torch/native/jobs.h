// The addon's asynchronous operations: each reads its arguments on the JS thread, does the
// libtorch work on a pool thread (modelkv/pool.h) and builds its result back on the JS thread.
#pragma once

#include <modelkv/job.h>
#include <modelkv/tensor_args.h>
#include <napi.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deadline.h"
#include "dtypes.h"
#include "op_inspection.h"
#include "torch_model.h"
#include "torch_script.h"

namespace modelkv {

// A model blob pinned for the job: its Buffer stays referenced while the bytes are read.
class BlobJob : public Job {
 protected:
  BlobJob(Napi::Env env, Napi::Buffer<uint8_t> blob);

  Napi::Reference<Napi::Buffer<uint8_t>> blobRef_;
  const uint8_t* data_;
  size_t size_;
};

class InspectModelJob final : public BlobJob {
 public:
  InspectModelJob(Napi::Env env, Napi::Buffer<uint8_t> blob) : BlobJob(env, blob) {}

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  std::vector<OpUse> ops_;
};

class LoadModelJob final : public BlobJob {
 public:
  LoadModelJob(Napi::Env env, Napi::Buffer<uint8_t> blob, DeviceIndex device) : BlobJob(env, blob), device_(device) {}

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  DeviceIndex device_;
  std::shared_ptr<TorchModel> model_;
};

class CompileScriptJob final : public Job {
 public:
  CompileScriptJob(Napi::Env env, std::string source, DeviceIndex device, bool inspect);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  std::string source_;
  DeviceIndex device_;
  bool inspect_;
  std::shared_ptr<TorchScript> script_;
  std::optional<std::vector<OpUse>> ops_;
};

// Common part of model and script runs: the inputs, checked against their dtypes, viewed over
// their pinned Buffers, and the outputs handed back as Buffers over libtorch's memory.
class TensorRunJob : public Job {
 protected:
  TensorRunJob(Napi::Env env, Napi::Value inputs, Napi::Value outputCount, Napi::Value timeoutMs);
  Napi::Value Result(Napi::Env env) override;

  TensorArgs args_;
  int64_t timeoutMs_;  // 0: no deadline
  Deadline deadline_;
  std::vector<InputTensor> inputs_;
  size_t outputCount_;
  std::vector<OutputTensor> outputs_;
};

class RunModelJob final : public TensorRunJob {
 public:
  RunModelJob(Napi::Env env, std::shared_ptr<TorchModel> model, Napi::Value inputs, Napi::Value outputCount, Napi::Value timeoutMs)
      : TensorRunJob(env, inputs, outputCount, timeoutMs), model_(std::move(model)) {}

 protected:
  void Run() override;

 private:
  std::shared_ptr<TorchModel> model_;
};

class RunScriptJob final : public TensorRunJob {
 public:
  RunScriptJob(Napi::Env env, std::shared_ptr<TorchScript> script, std::string fn, Napi::Value inputs, Napi::Value outputCount,
               Napi::Value timeoutMs)
      : TensorRunJob(env, inputs, outputCount, timeoutMs), script_(std::move(script)), fn_(std::move(fn)) {}

  // An entry point's call: its keys and args lists next to the tensors.
  struct EntryArgs {
    std::vector<std::string> keys;
    std::vector<std::string> args;
  };
  RunScriptJob(Napi::Env env, std::shared_ptr<TorchScript> script, std::string fn, Napi::Value inputs, EntryArgs entry,
               Napi::Value outputCount, Napi::Value timeoutMs)
      : TensorRunJob(env, inputs, outputCount, timeoutMs), script_(std::move(script)), fn_(std::move(fn)), entry_(std::move(entry)) {}

 protected:
  void Run() override;

 private:
  std::shared_ptr<TorchScript> script_;
  std::string fn_;
  std::optional<EntryArgs> entry_;
};

}  // namespace modelkv
