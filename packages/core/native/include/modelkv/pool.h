// A small pool of detached native threads that runs Jobs off the JS thread.
//
// - Jobs wait in one FIFO. A thread that finishes a job takes the next one at once, so a
//   backlog is drained back to back by threads whose caches are warm.
// - Each queued job has a thread on its way to the queue: the most recently idle one is woken for
//   it (its caches are warm), else a new one is started, unless a thread is already on its way
//   whose job was taken by one draining the queue. So a run that never returns holds its thread
//   for good while everything else goes on beside it, and threads are started only for jobs that
//   would otherwise wait. Idle threads end after 30 s.
// - Threads are detached, never joined, so nothing at exit waits for a runaway run (libuv's pool,
//   which Napi::AsyncWorker uses, is joined at exit and would hang there).
// - Threads get a large stack (64 MiB of address space, touched only as used): native parsers
//   and compilers recurse over their input, and the callers' nesting limits are meant to sit far
//   below the point where that recursion would overflow.
// - Finished jobs are settled on the JS thread through one thread-safe function. Completions that
//   pile up while the JS thread is busy are settled together, by one callback.
#pragma once

#include <napi.h>
#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <vector>

#include "exit_guard.h"
#include "job.h"

namespace modelkv {

struct PoolOptions {
  // Names the threads (at most 15 characters show in ps / top / gdb).
  std::string name = "modelkv";
  size_t stackBytes = size_t{64} << 20;
  std::chrono::seconds idleExit{30};
};

class JobPool {
 public:
  JobPool(Napi::Env env, PoolOptions options = {}) : state_(std::make_shared<State>()) {
    state_->options = std::move(options);
    state_->completion = Completion::New(env, state_->options.name, 0, 1, state_.get());
    state_->completion.Unref(env);
    // Registered after the thread-safe function, so it runs before that function is torn down.
    napi_add_env_cleanup_hook(env, &JobPool::OnEnvCleanup, new std::shared_ptr<State>(state_));
    InstallExitGuard();
  }
  JobPool(const JobPool&) = delete;
  JobPool& operator=(const JobPool&) = delete;

  // JS thread. Takes the job; throws std::system_error (leaving the job to the caller) when a
  // needed thread cannot be started.
  void Submit(Napi::Env env, std::unique_ptr<Job> job) {
    State& s = *state_;
    {
      std::lock_guard<std::mutex> lock(s.mutex);
      // Every queued job has a thread on its way to the queue: one claimed or started for it, or
      // one whose job a thread draining the queue took first.
      if (s.enRoute < s.pending.size() + 1) {
        if (s.idle.empty()) {
          StartThread();
        } else {
          Worker* worker = s.idle.back();
          s.idle.pop_back();
          worker->claimed = true;
          worker->wake.notify_one();
        }
        s.enRoute++;
      }
      s.pending.push_back(job.release());
    }
    if (s.inflight++ == 0) s.completion.Ref(env);
  }

  struct Stats {
    size_t threads;      // threads alive, busy or idle
    size_t idle;         // of which waiting for work
    size_t queued;       // jobs waiting for a thread
    size_t waiting;      // jobs finished, waiting for the JS thread
    uint64_t settled;    // jobs settled on the JS thread so far
    uint64_t callbacks;  // JS callbacks that settled them (fewer when completions pile up)
  };
  // JS thread.
  Stats GetStats() const {
    State& s = *state_;
    std::lock_guard<std::mutex> lock(s.mutex);
    return Stats{s.threads, s.idle.size(), s.pending.size(), s.done.size(), s.settled, s.callbacks};
  }
  // The same as a JS object, for an addon's poolStats() export.
  Napi::Object StatsObject(Napi::Env env) const {
    const Stats st = GetStats();
    Napi::Object o = Napi::Object::New(env);
    o.Set("threads", static_cast<double>(st.threads));
    o.Set("idle", static_cast<double>(st.idle));
    o.Set("busy", static_cast<double>(BusyThreads().load()));
    o.Set("queued", static_cast<double>(st.queued));
    o.Set("waiting", static_cast<double>(st.waiting));
    o.Set("settled", static_cast<double>(st.settled));
    o.Set("callbacks", static_cast<double>(st.callbacks));
    return o;
  }

 private:
  struct State;
  static void Deliver(Napi::Env env, Napi::Function, State* state, void*);
  using Completion = Napi::TypedThreadSafeFunction<State, void, &JobPool::Deliver>;

  // A thread waiting for work, woken alone when a job is queued for it.
  struct Worker {
    std::condition_variable wake;
    bool claimed = false;
  };

  struct State {
    PoolOptions options;
    std::mutex mutex;
    std::deque<Job*> pending;
    std::vector<Job*> done;
    std::vector<Worker*> idle;  // most recently idle last
    size_t threads = 0;         // threads alive
    size_t enRoute = 0;         // threads claimed or started for a queued job, not yet at the queue
    bool notified = false;      // a Deliver call is queued and has not taken `done` yet
    bool closing = false;       // the environment is going away
    Completion completion;
    size_t inflight = 0;  // JS thread only
    uint64_t settled = 0;
    uint64_t callbacks = 0;
  };

  void StartThread() {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, std::max<size_t>(state_->options.stackBytes, PTHREAD_STACK_MIN));
    auto* arg = new std::shared_ptr<State>(state_);
    pthread_t thread;
    int rc = pthread_create(&thread, &attr, &JobPool::ThreadMain, arg);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
      delete arg;
      throw std::system_error(rc, std::generic_category(), "could not start a native worker thread");
    }
    state_->threads++;
#ifdef __linux__
    pthread_setname_np(thread, state_->options.name.substr(0, 15).c_str());
#endif
  }

  static void* ThreadMain(void* arg) {
    std::shared_ptr<State> state = std::move(*static_cast<std::shared_ptr<State>*>(arg));
    delete static_cast<std::shared_ptr<State>*>(arg);
    State& s = *state;
    Worker self;
    std::unique_lock<std::mutex> lock(s.mutex);
    bool enRoute = true;  // started for a queued job
    for (;;) {
      if (enRoute) {
        s.enRoute--;
        enRoute = false;
      }
      if (s.pending.empty()) {
        if (s.closing) break;
        self.claimed = false;
        s.idle.push_back(&self);
        self.wake.wait_for(lock, s.options.idleExit, [&] { return self.claimed || s.closing; });
        if (!self.claimed) {  // idle too long, or the environment is going away
          s.idle.erase(std::find(s.idle.begin(), s.idle.end(), &self));
          break;
        }
        enRoute = true;
        continue;
      }
      Job* job = s.pending.front();
      s.pending.pop_front();
      lock.unlock();
      BusyThreads()++;
      job->Execute();
      BusyThreads()--;
      lock.lock();
      // Once the environment is gone the job cannot be settled, nor safely destroyed (it holds
      // references into that environment): it is left as it is.
      if (s.closing) continue;
      s.done.push_back(job);
      if (!s.notified) {
        s.notified = true;
        s.completion.NonBlockingCall();
      }
    }
    s.threads--;
    return nullptr;
  }

  static void OnEnvCleanup(void* arg) {
    std::unique_ptr<std::shared_ptr<State>> holder(static_cast<std::shared_ptr<State>*>(arg));
    State& s = **holder;
    std::lock_guard<std::mutex> lock(s.mutex);
    s.closing = true;
    for (Worker* w : s.idle) w->wake.notify_one();
  }

  std::shared_ptr<State> state_;
};

inline void JobPool::Deliver(Napi::Env env, Napi::Function, State* state, void*) {
  if (static_cast<napi_env>(env) == nullptr) return;  // torn down with completions queued
  std::vector<Job*> done;
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    done.swap(state->done);
    state->notified = false;
  }
  for (Job* job : done) {
    Napi::HandleScope scope(env);
    std::unique_ptr<Job> owned(job);
    owned->Complete(env);
  }
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    state->settled += done.size();
    state->callbacks++;
  }
  state->inflight -= done.size();
  if (state->inflight == 0 && !done.empty()) state->completion.Unref(env);
}

}  // namespace modelkv
