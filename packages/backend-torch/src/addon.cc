// The addon's JS surface: thin functions over TorchModel / TorchScript. Every libtorch call runs
// in a Job on the worker pool; every C++ exception becomes a JS error or a rejected promise.
#include <napi.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>

#include "handles.h"
#include "jobs.h"
#include "torch_runtime.h"
#include "worker_pool.h"

namespace modelkv {

namespace {

struct AddonData {
  explicit AddonData(Napi::Env env) : pool(env) {}
  WorkerPool pool;
};

// Runs a binding body; any C++ exception leaves as a JS exception, never as a C++ one.
template <typename F>
Napi::Value Guarded(const Napi::CallbackInfo& info, F&& body) {
  Napi::Env env = info.Env();
  try {
    return body(env);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  } catch (...) {
    throw Napi::Error::New(env, "unknown error in the TORCH backend");
  }
}

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

// loadModel(blob: Buffer, device: number): Promise<ModelHandle>
Napi::Value LoadModel(const Napi::CallbackInfo& info) {
  return Guarded(info, [&](Napi::Env env) -> Napi::Value {
    if (!info[0].IsBuffer()) throw Napi::TypeError::New(env, "model blob must be a Buffer");
    DeviceIndex device = ReadDevice(env, info[1]);
    return Submit(env, std::make_unique<LoadModelJob>(env, info[0].As<Napi::Buffer<uint8_t>>(), device));
  });
}

// modelInputNames(model): string[] | null
Napi::Value ModelInputNames(const Napi::CallbackInfo& info) {
  return Guarded(info, [&](Napi::Env env) -> Napi::Value {
    const auto& names = HandleValue<TorchModel>(info[0])->InputNames();
    if (!names) return env.Null();
    Napi::Array array = Napi::Array::New(env, names->size());
    for (uint32_t i = 0; i < names->size(); i++) array.Set(i, (*names)[i]);
    return array;
  });
}

// runModel(model, inputs: NativeTensor[], outputCount: number): Promise<NativeTensor[]>
Napi::Value RunModel(const Napi::CallbackInfo& info) {
  return Guarded(info, [&](Napi::Env env) -> Napi::Value {
    return Submit(env, std::make_unique<RunModelJob>(env, HandleValue<TorchModel>(info[0]), info[1], info[2]));
  });
}

// compileScript(source: string, device: number): Promise<ScriptHandle>
Napi::Value CompileScript(const Napi::CallbackInfo& info) {
  return Guarded(info, [&](Napi::Env env) -> Napi::Value {
    if (!info[0].IsString()) throw Napi::TypeError::New(env, "script source must be a string");
    DeviceIndex device = ReadDevice(env, info[1]);
    return Submit(env, std::make_unique<CompileScriptJob>(env, info[0].As<Napi::String>().Utf8Value(), device));
  });
}

// scriptFunctionNames(script): string[]
Napi::Value ScriptFunctionNames(const Napi::CallbackInfo& info) {
  return Guarded(info, [&](Napi::Env env) -> Napi::Value {
    const auto& names = HandleValue<TorchScript>(info[0])->FunctionNames();
    Napi::Array array = Napi::Array::New(env, names.size());
    for (uint32_t i = 0; i < names.size(); i++) array.Set(i, names[i]);
    return array;
  });
}

// runScript(script, fn: string, inputs: NativeTensor[], outputCount: number): Promise<NativeTensor[]>
Napi::Value RunScript(const Napi::CallbackInfo& info) {
  return Guarded(info, [&](Napi::Env env) -> Napi::Value {
    if (!info[1].IsString()) throw Napi::TypeError::New(env, "function name must be a string");
    return Submit(env, std::make_unique<RunScriptJob>(env, HandleValue<TorchScript>(info[0]), info[1].As<Napi::String>().Utf8Value(),
                                                      info[2], info[3]));
  });
}

// release(handle): frees the model or script now; runs in flight finish first.
Napi::Value Release(const Napi::CallbackInfo& info) {
  return Guarded(info, [&](Napi::Env env) -> Napi::Value {
    Napi::Value handle = info[0];
    if (handle.IsExternal() && handle.As<Napi::External<void>>().CheckTypeTag(&HandleTraits<TorchScript>::tag)) {
      UnwrapHandle<TorchScript>(handle).value.reset();
    } else {
      UnwrapHandle<TorchModel>(handle).value.reset();
    }
    return env.Undefined();
  });
}

// setThreads(intraOp: number, interOp: number): values <= 0 leave libtorch's default.
Napi::Value SetThreadCounts(const Napi::CallbackInfo& info) {
  return Guarded(info, [&](Napi::Env env) -> Napi::Value {
    SetThreads(info[0].ToNumber().Int32Value(), info[1].ToNumber().Int32Value());
    return env.Undefined();
  });
}

// busyThreads(): worker threads running a job now.
Napi::Value BusyThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), WorkerPool::BusyThreads()); }

// exitNow(code): ends the process at once, without running static destructors (see addon.ts).
Napi::Value ExitNow(const Napi::CallbackInfo& info) {
  int code = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : 0;
  std::fflush(nullptr);
  std::_Exit(code);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData(new AddonData(env));
  exports.Set("version", TorchVersion());
  exports.Set("cudaDeviceCount", CudaDeviceCount());
  exports.Set("gpuUnavailableReason", GpuUnavailableReason());
  exports.Set("loadModel", Napi::Function::New(env, LoadModel, "loadModel"));
  exports.Set("modelInputNames", Napi::Function::New(env, ModelInputNames, "modelInputNames"));
  exports.Set("runModel", Napi::Function::New(env, RunModel, "runModel"));
  exports.Set("compileScript", Napi::Function::New(env, CompileScript, "compileScript"));
  exports.Set("scriptFunctionNames", Napi::Function::New(env, ScriptFunctionNames, "scriptFunctionNames"));
  exports.Set("runScript", Napi::Function::New(env, RunScript, "runScript"));
  exports.Set("release", Napi::Function::New(env, Release, "release"));
  exports.Set("setThreads", Napi::Function::New(env, SetThreadCounts, "setThreads"));
  exports.Set("busyThreads", Napi::Function::New(env, BusyThreads, "busyThreads"));
  exports.Set("exitNow", Napi::Function::New(env, ExitNow, "exitNow"));
  return exports;
}

}  // namespace

}  // namespace modelkv

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return modelkv::Init(env, exports); }

NODE_API_MODULE(modelkv_torch, InitAddon)
