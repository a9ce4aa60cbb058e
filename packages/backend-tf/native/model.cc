#include "model.h"

#include <stdexcept>
#include <utility>

#include "dtypes.h"
#include "napi_guard.h"
#include "tensors.h"

namespace modelkv_tf {
namespace {

struct AddonData {
  Napi::FunctionReference model_constructor;
};

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

std::vector<std::string> StringArray(Napi::Value value, const char* what) {
  if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), std::string(what) + " must be an array of strings");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<std::string> out;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value v = array.Get(i);
    if (!v.IsString()) throw Napi::TypeError::New(value.Env(), std::string(what) + " must be an array of strings");
    out.push_back(v.As<Napi::String>().Utf8Value());
  }
  return out;
}

Napi::Array Names(Napi::Env env, const std::vector<Endpoint>& endpoints) {
  Napi::Array out = Napi::Array::New(env, endpoints.size());
  for (size_t i = 0; i < endpoints.size(); ++i) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", endpoints[i].name);
    o.Set("dtype", DTypeName(endpoints[i].dtype));
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

// ---- load --------------------------------------------------------------------------------

class LoadWorker : public Napi::AsyncWorker {
 public:
  LoadWorker(Napi::Env env, Napi::Buffer<uint8_t> graph_def, LoadRequest request)
      : Napi::AsyncWorker(env, "modelkv_tf.load"),
        deferred_(Napi::Promise::Deferred::New(env)),
        graph_def_(Napi::Persistent(graph_def)),
        data_(graph_def.Data()),
        length_(graph_def.Length()),
        request_(std::move(request)) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

  void Execute() override {
    try {
      state_ = LoadModel(data_, length_, request_);
    } catch (const std::exception& e) {
      SetError(e.what());
    } catch (...) {
      SetError("unknown native error while loading the graph");
    }
  }

  void OnOK() override {
    Napi::HandleScope scope(Env());
    try {
      deferred_.Resolve(Model::Wrap(Env(), std::move(state_)));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    } catch (const std::exception& e) {
      deferred_.Reject(Napi::Error::New(Env(), e.what()).Value());
    }
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::Buffer<uint8_t>> graph_def_;  // keeps data_ alive while Execute reads it
  const uint8_t* data_;
  size_t length_;
  LoadRequest request_;
  std::shared_ptr<ModelState> state_;
};

// ---- run ---------------------------------------------------------------------------------

class RunWorker : public Napi::AsyncWorker {
 public:
  RunWorker(Napi::Env env, std::shared_ptr<ModelState> state)
      : Napi::AsyncWorker(env, "modelkv_tf.run"), deferred_(Napi::Promise::Deferred::New(env)), state_(std::move(state)) {}

  ~RunWorker() override {
    for (TF_Tensor* t : outputs_) {
      if (t != nullptr) TF_DeleteTensor(t);
    }
  }

  Napi::Promise Promise() const { return deferred_.Promise(); }

  /** Pins `data` for the run and records the view of it that Execute copies from. */
  void AddInput(TF_DataType dtype, std::vector<int64_t> dims, Napi::Buffer<uint8_t> data) {
    views_.push_back(TensorView{dtype, std::move(dims), data.Data(), data.Length()});
    pins_.push_back(Napi::Persistent(data));
  }

  void Execute() override {
    try {
      RunSession();
    } catch (const std::exception& e) {
      SetError(e.what());
    } catch (...) {
      SetError("unknown native error while running the graph");
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    try {
      Napi::Array result = Napi::Array::New(env, outputs_.size());
      for (size_t i = 0; i < outputs_.size(); ++i) result.Set(static_cast<uint32_t>(i), OutputToJs(env, i));
      deferred_.Resolve(result);
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    } catch (const std::exception& e) {
      deferred_.Reject(Napi::Error::New(env, e.what()).Value());
    }
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  void RunSession() {
    const ModelState& m = *state_;
    // One copy of each input, made here off the JS thread.
    std::vector<InputTensor> inputs;
    inputs.reserve(views_.size());
    for (const TensorView& v : views_) inputs.emplace_back(v);
    std::vector<TF_Output> feeds;
    std::vector<TF_Tensor*> values;
    for (size_t i = 0; i < inputs.size(); ++i) {
      feeds.push_back(m.inputs[i].port);
      values.push_back(inputs[i].get());
    }
    std::vector<TF_Output> fetches;
    for (const Endpoint& e : m.outputs) fetches.push_back(e.port);
    outputs_.assign(fetches.size(), nullptr);

    Status status = NewStatus();
    TF_SessionRun(m.session.get(), nullptr, feeds.data(), values.data(), static_cast<int>(feeds.size()), fetches.data(), outputs_.data(),
                  static_cast<int>(fetches.size()), nullptr, 0, nullptr, status.get());
    if (!Ok(status)) throw std::runtime_error(Message(status));

    // STRING outputs become modelkv bytes now, while any input they alias is still alive.
    strings_.resize(outputs_.size());
    for (size_t i = 0; i < outputs_.size(); ++i) {
      TF_Tensor* t = outputs_[i];
      if (t == nullptr) throw std::runtime_error("libtensorflow returned no tensor for output '" + m.outputs[i].name + "'");
      if (DTypeName(TF_TensorType(t)) == nullptr) {
        throw std::runtime_error("output '" + m.outputs[i].name + "' is of TensorFlow type " + TFDTypeName(TF_TensorType(t)) +
                                 ", which modelkv tensors cannot hold");
      }
      if (TF_TensorType(t) == TF_STRING) {
        strings_[i] = StringsToBlob(t, "output '" + m.outputs[i].name + "'");
      }
    }
  }

  Napi::Object OutputToJs(Napi::Env env, size_t i) {
    TF_Tensor* t = outputs_[i];
    const TF_DataType dtype = TF_TensorType(t);
    Napi::Object out = Napi::Object::New(env);
    out.Set("dtype", DTypeName(dtype));
    const std::vector<int64_t> dims = Dims(t);
    Napi::Array shape = Napi::Array::New(env, dims.size());
    for (size_t d = 0; d < dims.size(); ++d) shape.Set(static_cast<uint32_t>(d), static_cast<double>(dims[d]));
    out.Set("shape", shape);

    if (dtype == TF_STRING) {
      out.Set("data", Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(strings_[i].data()), strings_[i].size()));
      return out;
    }
    const size_t bytes = TF_TensorByteSize(t);
    if (bytes == 0) {
      out.Set("data", Napi::Buffer<uint8_t>::New(env, 0));
      return out;
    }
    // No copy: the Buffer owns the output tensor and deletes it when collected.
    Napi::Buffer<uint8_t> data = Napi::Buffer<uint8_t>::New(
        env, static_cast<uint8_t*>(TF_TensorData(t)), bytes,
        [](Napi::Env finalize_env, uint8_t*, TF_Tensor* tensor) {
          Napi::MemoryManagement::AdjustExternalMemory(finalize_env, -static_cast<int64_t>(TF_TensorByteSize(tensor)));
          TF_DeleteTensor(tensor);
        },
        t);
    outputs_[i] = nullptr;
    Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(bytes));
    out.Set("data", data);
    return out;
  }

  Napi::Promise::Deferred deferred_;
  std::shared_ptr<ModelState> state_;
  std::vector<TensorView> views_;
  std::vector<Napi::Reference<Napi::Buffer<uint8_t>>> pins_;
  std::vector<TF_Tensor*> outputs_;
  std::vector<std::string> strings_;
};

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

void Model::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = DefineClass(env, "Model",
                                    {
                                        InstanceMethod<&Model::Describe>("describe"),
                                        InstanceMethod<&Model::Run>("run"),
                                        InstanceMethod<&Model::Release>("release"),
                                    });
  auto* data = new AddonData{Napi::Persistent(ctor)};
  env.SetInstanceData<AddonData>(data);

  exports.Set("load", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
                return Guarded(info.Env(), [&]() -> Napi::Value {
                  Napi::Env e = info.Env();
                  if (info.Length() < 5 || !info[0].IsBuffer() || !info[3].IsString() || !info[4].IsBuffer()) {
                    throw Napi::TypeError::New(
                        e, "load(graphDef: Buffer, inputs: string[], outputs: string[], device: string, config: Buffer)");
                  }
                  LoadRequest request;
                  request.inputs = StringArray(info[1], "inputs");
                  request.outputs = StringArray(info[2], "outputs");
                  request.device = info[3].As<Napi::String>().Utf8Value();
                  Napi::Buffer<uint8_t> config = info[4].As<Napi::Buffer<uint8_t>>();
                  request.config.assign(reinterpret_cast<const char*>(config.Data()), config.Length());
                  auto* worker = new LoadWorker(e, info[0].As<Napi::Buffer<uint8_t>>(), std::move(request));
                  Napi::Promise promise = worker->Promise();
                  worker->Queue();
                  return promise;
                });
              }));
}

Napi::Object Model::Wrap(Napi::Env env, std::shared_ptr<ModelState> state) {
  AddonData* data = env.GetInstanceData<AddonData>();
  return data->model_constructor.New({Napi::External<std::shared_ptr<ModelState>>::New(env, &state)});
}

Model::Model(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Model>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "Model objects come from load()");
  }
  state_ = *info[0].As<Napi::External<std::shared_ptr<ModelState>>>().Data();
}

Napi::Value Model::Describe(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(), [&]() -> Napi::Value {
    if (!state_) throw Napi::Error::New(info.Env(), "the model was released");
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("inputs", Names(info.Env(), state_->inputs));
    out.Set("outputs", Names(info.Env(), state_->outputs));
    return out;
  });
}

// run(inputs: Array<{ dtype: string; shape: number[]; data: Buffer }>): Promise<same shape[]>
Napi::Value Model::Run(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(), [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    if (!state_) throw Napi::Error::New(env, "the model was released");
    if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, "run(inputs: Array<{ dtype, shape, data }>)");
    Napi::Array inputs = info[0].As<Napi::Array>();
    if (inputs.Length() != state_->inputs.size()) {
      throw Napi::Error::New(
          env, "the graph takes " + std::to_string(state_->inputs.size()) + " inputs, got " + std::to_string(inputs.Length()));
    }
    auto* worker = new RunWorker(env, state_);
    try {
      for (uint32_t i = 0; i < inputs.Length(); ++i) {
        Napi::Value item = inputs.Get(i);
        if (!item.IsObject()) throw Napi::TypeError::New(env, "each input is { dtype, shape, data }");
        Napi::Object o = item.As<Napi::Object>();
        Napi::Value dtypeName = o.Get("dtype");
        Napi::Value shapeValue = o.Get("shape");
        Napi::Value dataValue = o.Get("data");
        TF_DataType dtype;
        if (!dtypeName.IsString() || !DTypeFromName(dtypeName.As<Napi::String>().Utf8Value(), &dtype)) {
          throw Napi::TypeError::New(env, "input dtype must be a modelkv dtype name");
        }
        const Endpoint& expected = state_->inputs[i];
        if (dtype != expected.dtype) {
          throw Napi::Error::New(env, "input " + std::to_string(i) + " ('" + expected.name + "') must be " + DTypeName(expected.dtype) +
                                          ", got " + DTypeName(dtype));
        }
        if (!shapeValue.IsArray() || !dataValue.IsBuffer()) throw Napi::TypeError::New(env, "each input is { dtype, shape, data }");
        Napi::Array shape = shapeValue.As<Napi::Array>();
        std::vector<int64_t> dims;
        for (uint32_t d = 0; d < shape.Length(); ++d) {
          Napi::Value dim = shape.Get(d);
          if (!dim.IsNumber() || dim.As<Napi::Number>().DoubleValue() < 0) throw Napi::TypeError::New(env, "shape holds a bad dimension");
          dims.push_back(dim.As<Napi::Number>().Int64Value());
        }
        worker->AddInput(dtype, std::move(dims), dataValue.As<Napi::Buffer<uint8_t>>());
      }
    } catch (...) {
      delete worker;
      throw;
    }
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  });
}

Napi::Value Model::Release(const Napi::CallbackInfo& info) {
  state_.reset();
  return info.Env().Undefined();
}

}  // namespace modelkv_tf
