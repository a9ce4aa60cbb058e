// JS handles to loaded models and compiled scripts: type-tagged externals, so that a wrong or
// forged value is refused rather than dereferenced.
#pragma once

#include <napi.h>

#include <memory>
#include <utility>

#include "torch_model.h"
#include "torch_script.h"

namespace modelkv {

template <typename T>
struct Handle {
  std::shared_ptr<T> value;  // reset by release; runs in flight keep their own reference
};

template <typename T>
struct HandleTraits;

template <>
struct HandleTraits<TorchModel> {
  static constexpr napi_type_tag tag = {0x6d6f64656c6b7600ULL, 0x746f7263686d6f64ULL};
  static constexpr const char* name = "model";
};

template <>
struct HandleTraits<TorchScript> {
  static constexpr napi_type_tag tag = {0x6d6f64656c6b7600ULL, 0x746f726368736372ULL};
  static constexpr const char* name = "script";
};

template <typename T>
Napi::Value WrapHandle(Napi::Env env, std::shared_ptr<T> value) {
  auto external = Napi::External<Handle<T>>::New(env, new Handle<T>{std::move(value)}, [](Napi::Env, Handle<T>* h) { delete h; });
  external.TypeTag(&HandleTraits<T>::tag);
  return external;
}

template <typename T>
Handle<T>& UnwrapHandle(Napi::Value value) {
  if (!value.IsExternal() || !value.As<Napi::External<Handle<T>>>().CheckTypeTag(&HandleTraits<T>::tag)) {
    throw Napi::TypeError::New(value.Env(), std::string("expected a TORCH ") + HandleTraits<T>::name + " handle");
  }
  return *value.As<Napi::External<Handle<T>>>().Data();
}

// The live object behind a handle; throws once it has been released.
template <typename T>
std::shared_ptr<T> HandleValue(Napi::Value value) {
  std::shared_ptr<T> v = UnwrapHandle<T>(value).value;
  if (!v) throw Napi::Error::New(value.Env(), std::string("the ") + HandleTraits<T>::name + " has been released");
  return v;
}

}  // namespace modelkv
