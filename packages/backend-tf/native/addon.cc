// The modelkv_tf addon: frozen TensorFlow GraphDefs run by libtensorflow's C API.
#include <napi.h>

#include "model.h"
#include "napi_guard.h"
#include "tf_handles.h"

namespace modelkv_tf {
namespace {

Napi::Value Version(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), TF_Version()); }

// listDevices(config: Buffer): Array<{ name: string; type: string }>, as a session sees them.
Napi::Value ListDevices(const Napi::CallbackInfo& info) {
  return Guarded(info.Env(), [&]() -> Napi::Value {
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

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("version", Napi::Function::New(env, Version));
  exports.Set("listDevices", Napi::Function::New(env, ListDevices));
  Model::Init(env, exports);
  return exports;
}

}  // namespace
}  // namespace modelkv_tf

static Napi::Object InitModelkvTf(Napi::Env env, Napi::Object exports) { return modelkv_tf::Init(env, exports); }

NODE_API_MODULE(modelkv_tf, InitModelkvTf)
