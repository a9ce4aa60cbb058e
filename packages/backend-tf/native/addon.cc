// The modelkv_tf addon: frozen TensorFlow GraphDefs run by libtensorflow's C API. Imports and
// runs are Jobs on the pool (modelkv/pool.h); no C++ exception crosses into JS.
#include <modelkv/guard.h>
#include <modelkv/pool.h>
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "dtypes.h"
#include "handles.h"
#include "jobs.h"

#ifndef MODELKV_TF_BUILT_VERSION
#error "MODELKV_TF_BUILT_VERSION must be the version of the libtensorflow headers, e.g. 2.18.1 (scripts/find-libtensorflow.mjs)"
#endif
#define MODELKV_STRINGIFY2(x) #x
#define MODELKV_STRINGIFY(x) MODELKV_STRINGIFY2(x)

namespace modelkv_tf {
namespace {

struct AddonData {
  explicit AddonData(Napi::Env env) : pool(env, modelkv::PoolOptions{"modelkv-tf"}) {}
  modelkv::JobPool pool;
};

Napi::Promise Submit(Napi::Env env, std::unique_ptr<modelkv::Job> job) {
  Napi::Promise promise = job->Promise();
  env.GetInstanceData<AddonData>()->pool.Submit(env, std::move(job));
  return promise;
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

Napi::Array Endpoints(Napi::Env env, const std::vector<Endpoint>& endpoints) {
  Napi::Array out = Napi::Array::New(env, endpoints.size());
  for (size_t i = 0; i < endpoints.size(); ++i) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", endpoints[i].name);
    o.Set("dtype", DTypeName(endpoints[i].dtype));
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

// version(): libtensorflow's TF_Version().
Napi::Value Version(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), TF_Version()); }

// listDevices(config: Buffer): Array<{ name: string; type: string }>, as a session sees them.
Napi::Value ListDevices(const Napi::CallbackInfo& info) {
  return modelkv::Guarded(info.Env(), [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    std::string config;
    if (info.Length() > 0 && info[0].IsBuffer()) {
      Napi::Buffer<uint8_t> b = info[0].As<Napi::Buffer<uint8_t>>();
      config.assign(reinterpret_cast<const char*>(b.Data()), b.Length());
    }
    Graph graph(TF_NewGraph());
    SessionOptions options = MakeSessionOptions(config);
    Status status = NewStatus();
    Session session(TF_NewSession(graph.get(), options.get(), status.get()));
    if (!Ok(status)) throw Napi::Error::New(env, "could not create a TensorFlow session: " + Message(status));
    DeviceList devices(TF_SessionListDevices(session.get(), status.get()));
    if (!Ok(status)) throw Napi::Error::New(env, "could not list TensorFlow devices: " + Message(status));
    const int n = TF_DeviceListCount(devices.get());
    Napi::Array out = Napi::Array::New(env, static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      Napi::Object d = Napi::Object::New(env);
      d.Set("name", TF_DeviceListName(devices.get(), i, status.get()));
      d.Set("type", TF_DeviceListType(devices.get(), i, status.get()));
      out.Set(static_cast<uint32_t>(i), d);
    }
    return out;
  });
}

// load(graphDef: Buffer, inputs: string[], outputs: string[], device: string, config: Buffer): Promise<ModelHandle>
Napi::Value Load(const Napi::CallbackInfo& info) {
  return modelkv::Guarded(info.Env(), [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    if (info.Length() < 5 || !info[0].IsBuffer() || !info[3].IsString() || !info[4].IsBuffer()) {
      throw Napi::TypeError::New(env, "load(graphDef: Buffer, inputs: string[], outputs: string[], device: string, config: Buffer)");
    }
    LoadRequest request;
    request.inputs = StringArray(info[1], "inputs");
    request.outputs = StringArray(info[2], "outputs");
    request.device = info[3].As<Napi::String>().Utf8Value();
    Napi::Buffer<uint8_t> config = info[4].As<Napi::Buffer<uint8_t>>();
    request.config.assign(reinterpret_cast<const char*>(config.Data()), config.Length());
    return Submit(env, std::make_unique<LoadJob>(env, info[0].As<Napi::Buffer<uint8_t>>(), std::move(request)));
  });
}

// describe(model): { inputs: Endpoint[], outputs: Endpoint[] }
Napi::Value Describe(const Napi::CallbackInfo& info) {
  return modelkv::Guarded(info.Env(), [&]() -> Napi::Value {
    std::shared_ptr<ModelState> state = modelkv::HandleValue<ModelState>(info[0]);
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("inputs", Endpoints(info.Env(), state->inputs));
    out.Set("outputs", Endpoints(info.Env(), state->outputs));
    return out;
  });
}

// run(model, inputs: Array<{ dtype, shape, data }>, timeoutMs?: number): Promise<Array<{ dtype, shape, data }>>
Napi::Value Run(const Napi::CallbackInfo& info) {
  return modelkv::Guarded(info.Env(), [&]() -> Napi::Value {
    return Submit(info.Env(), std::make_unique<RunJob>(info.Env(), modelkv::HandleValue<ModelState>(info[0]), info[1], info[2]));
  });
}

// release(model): drops the handle's hold on the session; runs in flight keep theirs.
Napi::Value Release(const Napi::CallbackInfo& info) {
  return modelkv::Guarded(info.Env(), [&]() -> Napi::Value {
    modelkv::ReleaseHandle<ModelState>(info[0]);
    return info.Env().Undefined();
  });
}

// poolStats(): the job pool's threads, queues and completion callbacks (modelkv/pool.h).
Napi::Value PoolStats(const Napi::CallbackInfo& info) { return info.Env().GetInstanceData<AddonData>()->pool.StatsObject(info.Env()); }

// registeredOps(): the OpList protobuf of every op this libtensorflow registers.
Napi::Value RegisteredOps(const Napi::CallbackInfo& info) {
  return modelkv::Guarded(info.Env(), [&]() -> Napi::Value {
    Buffer list(TF_GetAllOpList());
    return Napi::Buffer<uint8_t>::Copy(info.Env(), static_cast<const uint8_t*>(list->data), list->length);
  });
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new AddonData(env));
  exports.Set("builtVersion", Napi::String::New(env, MODELKV_STRINGIFY(MODELKV_TF_BUILT_VERSION)));
  exports.Set("version", Napi::Function::New(env, Version, "version"));
  exports.Set("listDevices", Napi::Function::New(env, ListDevices, "listDevices"));
  exports.Set("load", Napi::Function::New(env, Load, "load"));
  exports.Set("describe", Napi::Function::New(env, Describe, "describe"));
  exports.Set("run", Napi::Function::New(env, Run, "run"));
  exports.Set("release", Napi::Function::New(env, Release, "release"));
  exports.Set("registeredOps", Napi::Function::New(env, RegisteredOps, "registeredOps"));
  exports.Set("poolStats", Napi::Function::New(env, PoolStats, "poolStats"));
  return exports;
}

}  // namespace
}  // namespace modelkv_tf

static Napi::Object InitModelkvTf(Napi::Env env, Napi::Object exports) { return modelkv_tf::Init(env, exports); }

NODE_API_MODULE(modelkv_tf, InitModelkvTf)
