// Runs jobs on threads this addon owns and settles their promises back on the JS thread.
//
// Why not Napi::AsyncWorker: it runs on libuv's shared pool, and a script stuck in an endless
// loop would hold one of its few threads forever and make process exit wait for it (libuv joins
// its pool at exit). Threads here are detached and created on demand, so a runaway run costs one
// thread of ours and nothing else.
#pragma once

#include <napi.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace modelkv {

// One unit of work with a promise: Run() on a pool thread, then Result() on the JS thread.
class Job {
 public:
  explicit Job(Napi::Env env) : deferred_(Napi::Promise::Deferred::New(env)) {}
  virtual ~Job() = default;
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;

  Napi::Promise Promise() const { return deferred_.Promise(); }
  // Pool thread: runs the work, keeping any exception's message. Never throws.
  void Execute() noexcept;
  // JS thread: resolves with Result() or rejects with the kept message. Never throws.
  void Complete(Napi::Env env) noexcept;

 protected:
  virtual void Run() = 0;
  virtual Napi::Value Result(Napi::Env env) = 0;

 private:
  Napi::Promise::Deferred deferred_;
  std::string error_;
  bool failed_ = false;
};

class WorkerPool {
 public:
  explicit WorkerPool(Napi::Env env);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // JS thread. Takes the job; throws std::system_error when no thread can be started.
  void Submit(Napi::Env env, std::unique_ptr<Job> job);
  // Threads of every pool in the process that are running a job now.
  static int BusyThreads() { return busy_.load(); }

  static void Deliver(Napi::Env env, Napi::Function callback, WorkerPool* pool, Job* job);

 private:
  using Completion = Napi::TypedThreadSafeFunction<WorkerPool, Job, &WorkerPool::Deliver>;
  // A thread waiting for work; a job is handed to it directly.
  struct Worker {
    std::condition_variable wake;
    Job* job = nullptr;
  };
  struct State {
    std::mutex mutex;
    // Most recently idle last: handing work to it reuses a thread whose caches (and OpenMP
    // team) are warm.
    std::vector<Worker*> idle;
    bool closing = false;
    Completion completion;
  };

  static void WorkerLoop(std::shared_ptr<State> state, Job* first);
  static void OnEnvCleanup(void* arg);

  std::shared_ptr<State> state_;
  size_t inflight_ = 0;  // JS thread only
  static std::atomic<int> busy_;
};

}  // namespace modelkv
