// Loaded models and compiled scripts reach JS as type-tagged externals: a value of another kind,
// or a forged one, is refused rather than dereferenced. A backend declares each kind with a
// HandleTraits specialization: a unique napi_type_tag and a name for messages.
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <utility>

namespace modelkv {

template <typename T>
struct HandleTraits;

template <typename T>
struct Handle {
  std::shared_ptr<T> value;  // reset by ReleaseHandle; jobs in flight keep their own reference
};

template <typename T>
Napi::Value WrapHandle(Napi::Env env, std::shared_ptr<T> value) {
  auto external = Napi::External<Handle<T>>::New(env, new Handle<T>{std::move(value)}, [](Napi::Env, Handle<T>* h) { delete h; });
  external.TypeTag(&HandleTraits<T>::tag);
  return external;
}

template <typename T>
bool IsHandle(Napi::Value value) {
  return value.IsExternal() && value.As<Napi::External<Handle<T>>>().CheckTypeTag(&HandleTraits<T>::tag);
}

template <typename T>
Handle<T>& UnwrapHandle(Napi::Value value) {
  if (!IsHandle<T>(value)) throw Napi::TypeError::New(value.Env(), std::string("expected a ") + HandleTraits<T>::name + " handle");
  return *value.As<Napi::External<Handle<T>>>().Data();
}

// The live object behind a handle; throws once it has been released.
template <typename T>
std::shared_ptr<T> HandleValue(Napi::Value value) {
  std::shared_ptr<T> v = UnwrapHandle<T>(value).value;
  if (!v) throw Napi::Error::New(value.Env(), std::string("the ") + HandleTraits<T>::name + " has been released");
  return v;
}

// Drops the handle's reference now; runs in flight finish with theirs.
template <typename T>
void ReleaseHandle(Napi::Value value) {
  UnwrapHandle<T>(value).value.reset();
}

}  // namespace modelkv
