// Process exit while a native thread is still inside a library (a run that never returns): the
// C library's exit() runs the static destructors of libtorch / libtensorflow under that thread,
// which can crash the process on its way out. The guard, registered once per addon when its
// first pool is made (so after those libraries registered their destructors, and so called
// before them), ends the process at once with the same exit status when a thread of this addon
// is busy, without the destructors; with every thread idle it does nothing and exit goes on as
// usual. It changes nothing in the host's JavaScript.
#pragma once

#include <node.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>

namespace modelkv {

// Threads of this addon that are running a job now.
inline std::atomic<int>& BusyThreads() {
  static std::atomic<int> busy{0};
  return busy;
}

namespace detail {
inline void ExitWithoutDestructorsWhenBusy(int status, void*) {
  if (BusyThreads().load() == 0) return;
  std::fflush(nullptr);
  _exit(status);
}

// The exit status process.exit() was given: process.exitCode, which it sets first (0 when
// unset). -1 when it cannot be read (no JavaScript context).
inline int ProcessExitCode() {
  v8::Isolate* isolate = v8::Isolate::GetCurrent();
  if (isolate == nullptr || !isolate->InContext()) return -1;
  v8::HandleScope scope(isolate);
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Value> process;
  v8::Local<v8::Value> code;
  if (!context->Global()->Get(context, v8::String::NewFromUtf8Literal(isolate, "process")).ToLocal(&process) || !process->IsObject() ||
      !process.As<v8::Object>()->Get(context, v8::String::NewFromUtf8Literal(isolate, "exitCode")).ToLocal(&code)) {
    return -1;
  }
  if (code->IsNullOrUndefined()) return 0;
  if (code->IsInt32()) return code.As<v8::Int32>()->Value();
  return -1;
}

// Node's at-exit callbacks run when process.exit() is called, before Node tears its platform
// down and before the C library's exit handlers: with a thread busy, the process ends there.
// Where the status cannot be read, the guard is registered again instead: exit handlers run
// last-registered first, so it then runs before the destructors the libraries registered
// lazily, during the busy thread's first runs.
inline void ExitBeforeTeardownWhenBusy(void*) {
  if (BusyThreads().load() == 0) return;
  int status = ProcessExitCode();
  if (status < 0) {
    on_exit(&ExitWithoutDestructorsWhenBusy, nullptr);
    return;
  }
  std::fflush(nullptr);
  _exit(status);
}
}  // namespace detail

// Call on the JS thread, inside a call from JavaScript (the first pool's constructor does).
inline void InstallExitGuard() {
#ifdef __GLIBC__
  static std::once_flag once;
  std::call_once(once, [] {
    on_exit(&detail::ExitWithoutDestructorsWhenBusy, nullptr);
    v8::Isolate* isolate = v8::Isolate::GetCurrent();
    if (isolate == nullptr || !isolate->InContext()) return;
    v8::HandleScope scope(isolate);
    node::Environment* env = node::GetCurrentEnvironment(isolate->GetCurrentContext());
    if (env != nullptr) node::AtExit(env, &detail::ExitBeforeTeardownWhenBusy, nullptr);
  });
#endif
}

}  // namespace modelkv
