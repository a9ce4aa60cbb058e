// Keeps C++ exceptions from crossing into JS. node-addon-api turns a thrown Napi::Error into a
// JS exception itself; anything else escaping a binding would end the process, so every binding
// body runs inside Guarded().
#pragma once

#include <napi.h>

#include <exception>

namespace modelkv {

template <typename F>
Napi::Value Guarded(Napi::Env env, F&& body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  } catch (...) {
    throw Napi::Error::New(env, "unknown error in native code");
  }
}

}  // namespace modelkv
