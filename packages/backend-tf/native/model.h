// A frozen GraphDef imported into a graph with a session over it, wrapped for JS as `Model`.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <napi.h>

#include "tf_handles.h"

namespace modelkv_tf {

/** One INPUTS / OUTPUTS name resolved in the graph. */
struct Endpoint {
  std::string name;
  TF_Output port;
  TF_DataType dtype;
};

/** The libtensorflow objects of one model. The session goes before the graph it runs. */
struct ModelState {
  Graph graph;
  Session session;
  std::vector<Endpoint> inputs;
  std::vector<Endpoint> outputs;
};

/** What `load` needs, all copied or pinned on the JS thread. */
struct LoadRequest {
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::string device;  // e.g. "/device:GPU:0"; applied to nodes without a device of their own
  std::string config;  // serialized ConfigProto
};

/**
 * Imports `graph_def` and opens a session over it; throws std::runtime_error with the reason
 * (TF's, or a name that is not in the graph). Runs on a worker thread.
 */
std::shared_ptr<ModelState> LoadModel(const uint8_t* graph_def, size_t length, const LoadRequest& request);

class Model : public Napi::ObjectWrap<Model> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  /** Wraps a loaded model in a new JS `Model`. */
  static Napi::Object Wrap(Napi::Env env, std::shared_ptr<ModelState> state);

  explicit Model(const Napi::CallbackInfo& info);

 private:
  Napi::Value Describe(const Napi::CallbackInfo& info);
  Napi::Value Run(const Napi::CallbackInfo& info);
  Napi::Value Release(const Napi::CallbackInfo& info);

  // Runs in flight hold their own reference, so releasing never pulls a session from under them.
  std::shared_ptr<ModelState> state_;
};

}  // namespace modelkv_tf
