// Keeps C++ exceptions from crossing into JS: anything thrown becomes a JS Error.
#pragma once

#include <exception>

#include <napi.h>

namespace modelkv_tf {

template <typename F>
Napi::Value Guarded(Napi::Env env, F&& body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;  // node-addon-api turns this one into a JS exception itself
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  } catch (...) {
    throw Napi::Error::New(env, "unknown native error");
  }
}

}  // namespace modelkv_tf
