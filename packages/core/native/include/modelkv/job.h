// One unit of asynchronous work behind a promise: Run() on a pool thread, Result() on the JS
// thread. Neither side lets an exception out: a failure in Run() rejects the promise with the
// exception's message.
#pragma once

#include <napi.h>

#include <exception>
#include <string>

namespace modelkv {

class Job {
 public:
  explicit Job(Napi::Env env) : deferred_(Napi::Promise::Deferred::New(env)) {}
  virtual ~Job() = default;
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;

  Napi::Promise Promise() const { return deferred_.Promise(); }

  // Pool thread.
  void Execute() noexcept {
    try {
      Run();
    } catch (const std::exception& e) {
      Fail(e.what());
    } catch (...) {
      Fail(nullptr);
    }
  }

  // JS thread, inside a handle scope of the caller's.
  void Complete(Napi::Env env) noexcept {
    try {
      if (failed_) {
        deferred_.Reject(Napi::Error::New(env, error_).Value());
        return;
      }
      try {
        deferred_.Resolve(Result(env));
      } catch (const Napi::Error& e) {
        deferred_.Reject(e.Value());
      } catch (const std::exception& e) {
        deferred_.Reject(Napi::Error::New(env, e.what()).Value());
      }
    } catch (...) {
      // Not even an error object could be made (out of memory): the promise stays pending
      // rather than the process ending.
    }
  }

 protected:
  virtual void Run() = 0;
  virtual Napi::Value Result(Napi::Env env) = 0;

 private:
  void Fail(const char* what) noexcept {
    failed_ = true;
    try {
      error_ = what != nullptr && *what != '\0' ? what : "unknown error in native code";
    } catch (...) {
      error_.clear();
    }
  }

  Napi::Promise::Deferred deferred_;
  std::string error_;
  bool failed_ = false;
};

}  // namespace modelkv
