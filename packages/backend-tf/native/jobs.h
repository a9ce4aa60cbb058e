// The addon's asynchronous operations: arguments read on the JS thread, the libtensorflow work on
// a pool thread (modelkv/pool.h), the result built back on the JS thread.
#pragma once

#include <modelkv/job.h>
#include <modelkv/tensor_args.h>
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "model.h"

namespace modelkv_tf {

class LoadJob final : public modelkv::Job {
 public:
  LoadJob(Napi::Env env, Napi::Buffer<uint8_t> graph_def, LoadRequest request);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  Napi::Reference<Napi::Buffer<uint8_t>> graph_def_;  // keeps data_ alive while Run reads it
  const uint8_t* data_;
  size_t length_;
  LoadRequest request_;
  std::shared_ptr<ModelState> state_;
};

// Inputs checked against the graph's INPUTS (count and dtype) before the job is queued.
class RunJob final : public modelkv::Job {
 public:
  RunJob(Napi::Env env, std::shared_ptr<ModelState> state, Napi::Value inputs, Napi::Value timeoutMs);

 protected:
  void Run() override;
  Napi::Value Result(Napi::Env env) override;

 private:
  std::shared_ptr<ModelState> state_;
  modelkv::TensorArgs args_;
  std::vector<TensorView> views_;
  int64_t timeoutMs_;
  std::vector<Tensor> outputs_;
  std::vector<std::string> strings_;
};

}  // namespace modelkv_tf
