// A frozen GraphDef imported into a graph with a session over it. libtensorflow only, no N-API.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tensors.h"
#include "tf_handles.h"

namespace modelkv_tf {

/** One INPUTS / OUTPUTS name resolved in the graph. */
struct Endpoint {
  std::string name;
  TF_Output port;
  TF_DataType dtype;
};

/** What loading needs, all copied on the JS thread. */
struct LoadRequest {
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::string device;  // e.g. "/device:GPU:0"; applied to nodes without a device of their own
  std::string config;  // serialized ConfigProto
};

/** The libtensorflow objects of one model. The session goes before the graph it runs. */
struct ModelState {
  Graph graph;
  Session session;
  std::vector<Endpoint> inputs;
  std::vector<Endpoint> outputs;
};

/**
 * Imports `graph_def` and opens a session over it; throws std::runtime_error with the reason
 * (TF's, or a name that is not in the graph). Runs on a pool thread.
 */
std::shared_ptr<ModelState> LoadModel(const uint8_t* graph_def, size_t length, const LoadRequest& request);

/**
 * Runs the session: each input copied once into a tensor TensorFlow owns, the outputs fetched.
 * STRING outputs are converted to modelkv's layout into `strings` (same index). With
 * `timeoutMs` > 0, TensorFlow cancels the run past that many milliseconds (RunOptions
 * timeout_in_ms) and this throws `the run timed out after N ms`. Thread-safe.
 */
std::vector<Tensor> RunModel(const ModelState& model, const std::vector<TensorView>& inputs, int64_t timeoutMs,
                             std::vector<std::string>* strings);

}  // namespace modelkv_tf
