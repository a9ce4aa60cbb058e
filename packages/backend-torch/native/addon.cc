// The addon's JS surface: thin functions over TorchModel / TorchScript. Every libtorch call that
// can take time runs in a Job on the pool (modelkv/pool.h); no C++ exception crosses into JS.
#include <modelkv/guard.h>
#include <modelkv/pool.h>
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "handles.h"
#include "jobs.h"
#include "op_inspection.h"
#include "torch_runtime.h"

namespace modelkv {

namespace {

struct AddonData {
  explicit AddonData(Napi::Env env) : pool(env, PoolOptions{"modelkv-torch"}) {}
  JobPool pool;
};

Napi::Promise Submit(Napi::Env env, std::unique_ptr<Job> job) {
  Napi::Promise promise = job->Promise();
  env.GetInstanceData<AddonData>()->pool.Submit(env, std::move(job));
  return promise;
}

DeviceIndex ReadDevice(Napi::Env env, Napi::Value value) {
  if (!value.IsNumber()) throw Napi::TypeError::New(env, "device must be -1 (CPU) or a CUDA device index");
  int32_t device = value.As<Napi::Number>().Int32Value();
  if (device < kCpu) throw Napi::TypeError::New(env, "device must be -1 (CPU) or a CUDA device index");
  if (device != kCpu && device >= CudaDeviceCount()) {
    std::string why = GpuUnavailableReason();
    throw Napi::Error::New(env, "CUDA device " + std::to_string(device) + " is not available" + (why.empty() ? "" : ": " + why));
  }
  return device;
}

Napi::Buffer<uint8_t> ReadBlob(const Napi::CallbackInfo& info) {
  if (!info[0].IsBuffer()) throw Napi::TypeError::New(info.Env(), "model blob must be a Buffer");
  return info[0].As<Napi::Buffer<uint8_t>>();
}

Napi::Array Strings(Napi::Env env, const std::vector<std::string>& strings) {
  Napi::Array array = Napi::Array::New(env, strings.size());
  for (uint32_t i = 0; i < strings.size(); i++) array.Set(i, strings[i]);
  return array;
}

// inspectModel(blob: Buffer): Promise<OpUse[]>
Napi::Value InspectModel(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(),
                 [&]() -> Napi::Value { return Submit(info.Env(), std::make_unique<InspectModelJob>(info.Env(), ReadBlob(info))); });
}

// loadModel(blob: Buffer, device: number): Promise<ModelHandle>
Napi::Value LoadModel(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(), [&]() -> Napi::Value {
    return Submit(info.Env(), std::make_unique<LoadModelJob>(info.Env(), ReadBlob(info), ReadDevice(info.Env(), info[1])));
  });
}

// modelInputNames(model): string[] | null
Napi::Value ModelInputNames(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(), [&]() -> Napi::Value {
    const auto& names = HandleValue<TorchModel>(info[0])->InputNames();
    return names ? Napi::Value(Strings(info.Env(), *names)) : info.Env().Null();
  });
}

// runModel(model, inputs: NativeTensor[], outputCount: number, timeoutMs?: number): Promise<NativeTensor[]>
Napi::Value RunModel(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(), [&]() -> Napi::Value {
    return Submit(info.Env(), std::make_unique<RunModelJob>(info.Env(), HandleValue<TorchModel>(info[0]), info[1], info[2], info[3]));
  });
}

// compileScript(source: string, device: number, inspect: boolean): Promise<{ script, ops: OpUse[] | null }>
Napi::Value CompileScript(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(), [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    if (!info[0].IsString()) throw Napi::TypeError::New(env, "script source must be a string");
    DeviceIndex device = ReadDevice(env, info[1]);
    bool inspect = info[2].ToBoolean().Value();
    return Submit(env, std::make_unique<CompileScriptJob>(env, info[0].As<Napi::String>().Utf8Value(), device, inspect));
  });
}

// scriptFunctions(script): { name: string, argTypes: string[] }[]
Napi::Value ScriptFunctions(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(), [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    const std::vector<TorchScript::Signature>& functions = HandleValue<TorchScript>(info[0])->Functions();
    Napi::Array out = Napi::Array::New(env, functions.size());
    for (size_t i = 0; i < functions.size(); i++) {
      Napi::Object fn = Napi::Object::New(env);
      fn.Set("name", functions[i].name);
      fn.Set("argTypes", Strings(env, functions[i].argTypes));
      out.Set(static_cast<uint32_t>(i), fn);
    }
    return out;
  });
}

// runScript(script, fn: string, inputs: NativeTensor[], outputCount: number, timeoutMs?: number): Promise<NativeTensor[]>
Napi::Value RunScript(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(), [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    if (!info[1].IsString()) throw Napi::TypeError::New(env, "function name must be a string");
    return Submit(env, std::make_unique<RunScriptJob>(env, HandleValue<TorchScript>(info[0]), info[1].As<Napi::String>().Utf8Value(),
                                                      info[2], info[3], info[4]));
  });
}

// The strings of a JS string array, for an entry point's keys or args.
std::vector<std::string> StringList(Napi::Env env, Napi::Value value, const char* what) {
  if (!value.IsArray()) throw Napi::TypeError::New(env, std::string(what) + " must be an array of strings");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<std::string> out;
  out.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value item = array.Get(i);
    if (!item.IsString()) throw Napi::TypeError::New(env, std::string(what) + " must be an array of strings");
    out.push_back(item.As<Napi::String>().Utf8Value());
  }
  return out;
}

// runEntryPoint(script, fn: string, inputs: NativeTensor[], keys: string[], args: string[], outputCount: number,
//               timeoutMs?: number): Promise<NativeTensor[]>
Napi::Value RunEntryPoint(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(), [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    if (!info[1].IsString()) throw Napi::TypeError::New(env, "function name must be a string");
    RunScriptJob::EntryArgs entry{StringList(env, info[3], "keys"), StringList(env, info[4], "args")};
    return Submit(env, std::make_unique<RunScriptJob>(env, HandleValue<TorchScript>(info[0]), info[1].As<Napi::String>().Utf8Value(),
                                                      info[2], std::move(entry), info[5], info[6]));
  });
}

// release(handle): frees the model or script now; runs in flight finish first.
Napi::Value Release(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(), [&]() -> Napi::Value {
    if (IsHandle<TorchScript>(info[0])) {
      ReleaseHandle<TorchScript>(info[0]);
    } else {
      ReleaseHandle<TorchModel>(info[0]);
    }
    return info.Env().Undefined();
  });
}

// setThreads(intraOp: number, interOp: number): values <= 0 leave libtorch's default.
Napi::Value SetThreadCounts(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(), [&]() -> Napi::Value {
    SetThreads(info[0].ToNumber().Int32Value(), info[1].ToNumber().Int32Value());
    return info.Env().Undefined();
  });
}

// busyThreads(): pool threads running a job now.
Napi::Value BusyThreadCount(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), BusyThreads().load()); }

// poolStats(): the job pool's threads, queues and completion callbacks (modelkv/pool.h).
Napi::Value PoolStats(const Napi::CallbackInfo& info) { return info.Env().GetInstanceData<AddonData>()->pool.StatsObject(info.Env()); }

// registry(): { operators: string[], nodeKinds: string[], customClassMethods: string[] }
Napi::Value RegistryToJs(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(), [&]() -> Napi::Value {
    Registry registry = ListRegistry();
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("operators", Strings(info.Env(), registry.operators));
    out.Set("nodeKinds", Strings(info.Env(), registry.nodeKinds));
    out.Set("customClassMethods", Strings(info.Env(), registry.customClassMethods));
    return out;
  });
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new AddonData(env));
  exports.Set("version", TorchVersion());
  exports.Set("cudaDeviceCount", CudaDeviceCount());
  exports.Set("gpuUnavailableReason", GpuUnavailableReason());
  exports.Set("inspectModel", Napi::Function::New(env, InspectModel, "inspectModel"));
  exports.Set("loadModel", Napi::Function::New(env, LoadModel, "loadModel"));
  exports.Set("modelInputNames", Napi::Function::New(env, ModelInputNames, "modelInputNames"));
  exports.Set("runModel", Napi::Function::New(env, RunModel, "runModel"));
  exports.Set("compileScript", Napi::Function::New(env, CompileScript, "compileScript"));
  exports.Set("scriptFunctions", Napi::Function::New(env, ScriptFunctions, "scriptFunctions"));
  exports.Set("runScript", Napi::Function::New(env, RunScript, "runScript"));
  exports.Set("runEntryPoint", Napi::Function::New(env, RunEntryPoint, "runEntryPoint"));
  exports.Set("release", Napi::Function::New(env, Release, "release"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreadCounts, "setThreads"));
  exports.Set("busyThreads", Napi::Function::New(env, BusyThreadCount, "busyThreads"));
  exports.Set("poolStats", Napi::Function::New(env, PoolStats, "poolStats"));
  exports.Set("registry", Napi::Function::New(env, RegistryToJs, "registry"));
  return exports;
}

}  // namespace

}  // namespace modelkv

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return modelkv::Init(env, exports); }

NODE_API_MODULE(modelkv_torch, InitAddon)
