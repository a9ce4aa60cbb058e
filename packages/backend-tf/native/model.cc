#include "model.h"

#include <stdexcept>
#include <utility>

#include "dtypes.h"

namespace modelkv_tf {

namespace {

// `name` or `name:n`; node names themselves never hold ':'.
Endpoint Resolve(TF_Graph* graph, const std::string& spec, const char* role) {
  std::string node = spec;
  int index = 0;
  const size_t colon = spec.rfind(':');
  if (colon != std::string::npos) {
    const std::string digits = spec.substr(colon + 1);
    if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos) {
      throw std::runtime_error(std::string(role) + " name '" + spec + "' is not of the form node or node:index");
    }
    node = spec.substr(0, colon);
    index = std::stoi(digits);
  }
  TF_Operation* op = TF_GraphOperationByName(graph, node.c_str());
  if (op == nullptr) throw std::runtime_error(std::string(role) + " name '" + spec + "' is not a node of the graph");
  const int count = TF_OperationNumOutputs(op);
  if (index >= count) {
    throw std::runtime_error(std::string(role) + " name '" + spec + "': node '" + node + "' has " + std::to_string(count) + " output(s)");
  }
  const TF_Output port{op, index};
  const TF_DataType dtype = TF_OperationOutputType(port);
  if (DTypeName(dtype) == nullptr) {
    throw std::runtime_error(std::string(role) + " '" + spec + "' is of TensorFlow type " + TFDTypeName(dtype) +
                             ", which modelkv tensors cannot hold");
  }
  return Endpoint{spec, port, dtype};
}

// A serialized RunOptions holding only timeout_in_ms (field 2, int64).
std::string RunOptionsWithTimeout(int64_t timeoutMs) {
  std::string out(1, static_cast<char>(2 << 3));
  for (uint64_t v = static_cast<uint64_t>(timeoutMs);; v >>= 7) {
    if (v < 0x80) {
      out.push_back(static_cast<char>(v));
      return out;
    }
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
  }
}

}  // namespace

std::shared_ptr<ModelState> LoadModel(const uint8_t* graph_def, size_t length, const LoadRequest& request) {
  auto state = std::make_shared<ModelState>();
  state->graph.reset(TF_NewGraph());
  ImportOptions options(TF_NewImportGraphDefOptions());
  if (!request.device.empty()) TF_ImportGraphDefOptionsSetDefaultDevice(options.get(), request.device.c_str());
  TF_Buffer def{graph_def, length, nullptr};
  Status status = NewStatus();
  TF_GraphImportGraphDef(state->graph.get(), &def, options.get(), status.get());
  if (!Ok(status)) throw std::runtime_error("not a TensorFlow GraphDef: " + Message(status));

  for (const std::string& name : request.inputs) state->inputs.push_back(Resolve(state->graph.get(), name, "INPUTS"));
  for (const std::string& name : request.outputs) state->outputs.push_back(Resolve(state->graph.get(), name, "OUTPUTS"));

  SessionOptions session_options = MakeSessionOptions(request.config);
  state->session.reset(TF_NewSession(state->graph.get(), session_options.get(), status.get()));
  if (!Ok(status)) throw std::runtime_error("could not create a TensorFlow session: " + Message(status));
  return state;
}

std::vector<Tensor> RunModel(const ModelState& m, const std::vector<TensorView>& views, int64_t timeoutMs,
                             std::vector<std::string>* strings) {
  std::vector<InputTensor> inputs;
  inputs.reserve(views.size());
  for (const TensorView& v : views) inputs.emplace_back(v);
  std::vector<TF_Output> feeds;
  std::vector<TF_Tensor*> values;
  for (size_t i = 0; i < inputs.size(); ++i) {
    feeds.push_back(m.inputs[i].port);
    values.push_back(inputs[i].get());
  }
  std::vector<TF_Output> fetches;
  for (const Endpoint& e : m.outputs) fetches.push_back(e.port);
  std::vector<TF_Tensor*> raw(fetches.size(), nullptr);

  const std::string runOptions = timeoutMs > 0 ? RunOptionsWithTimeout(timeoutMs) : std::string();
  TF_Buffer options{runOptions.data(), runOptions.size(), nullptr};
  Status status = NewStatus();
  TF_SessionRun(m.session.get(), runOptions.empty() ? nullptr : &options, feeds.data(), values.data(), static_cast<int>(feeds.size()),
                fetches.data(), raw.data(), static_cast<int>(fetches.size()), nullptr, 0, nullptr, status.get());
  std::vector<Tensor> outputs;
  for (TF_Tensor* t : raw) outputs.emplace_back(t);
  if (TF_GetCode(status.get()) == TF_DEADLINE_EXCEEDED && timeoutMs > 0) {
    throw std::runtime_error("the run timed out after " + std::to_string(timeoutMs) + " ms");
  }
  if (!Ok(status)) throw std::runtime_error(Message(status));

  // STRING outputs become modelkv bytes now, while any input they alias is still alive.
  strings->assign(outputs.size(), std::string());
  for (size_t i = 0; i < outputs.size(); ++i) {
    const TF_Tensor* t = outputs[i].get();
    if (t == nullptr) throw std::runtime_error("libtensorflow returned no tensor for output '" + m.outputs[i].name + "'");
    if (DTypeName(TF_TensorType(t)) == nullptr) {
      throw std::runtime_error("output '" + m.outputs[i].name + "' is of TensorFlow type " + TFDTypeName(TF_TensorType(t)) +
                               ", which modelkv tensors cannot hold");
    }
    if (TF_TensorType(t) == TF_STRING) (*strings)[i] = StringsToBlob(t, "output '" + m.outputs[i].name + "'");
  }
  return outputs;
}

}  // namespace modelkv_tf
