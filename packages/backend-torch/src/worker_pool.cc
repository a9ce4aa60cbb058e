#include "worker_pool.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <thread>
#include <utility>

namespace modelkv {

namespace {
// Idle threads beyond this long without work exit; the next burst starts new ones.
constexpr std::chrono::seconds kIdleExit{30};
}  // namespace

std::atomic<int> WorkerPool::busy_{0};

void Job::Execute() noexcept {
  try {
    Run();
  } catch (const std::exception& e) {
    failed_ = true;
    try {
      error_ = e.what();
    } catch (...) {
      error_.clear();
    }
  } catch (...) {
    failed_ = true;
  }
  if (failed_ && error_.empty()) error_ = "unknown error in the TORCH backend";
}

void Job::Complete(Napi::Env env) noexcept {
  try {
    Napi::HandleScope scope(env);
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
    // Nothing more can be done from here; the promise stays pending rather than crash.
  }
}

WorkerPool::WorkerPool(Napi::Env env) : state_(std::make_shared<State>()) {
  state_->completion = Completion::New(env, "modelkv-torch", 0, 1, this);
  state_->completion.Unref(env);
  // Registered after the thread-safe function, so it runs before that function is torn down.
  napi_add_env_cleanup_hook(env, &WorkerPool::OnEnvCleanup, new std::shared_ptr<State>(state_));
}

void WorkerPool::OnEnvCleanup(void* arg) {
  std::unique_ptr<std::shared_ptr<State>> holder(static_cast<std::shared_ptr<State>*>(arg));
  State& s = **holder;
  std::lock_guard<std::mutex> lock(s.mutex);
  s.closing = true;
  for (Worker* w : s.idle) w->wake.notify_one();
}

void WorkerPool::Submit(Napi::Env env, std::unique_ptr<Job> job) {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (!state_->idle.empty()) {
      Worker* worker = state_->idle.back();
      state_->idle.pop_back();
      worker->job = job.release();
      worker->wake.notify_one();
    } else {
      std::thread(&WorkerPool::WorkerLoop, state_, job.get()).detach();  // throws before taking the job
      job.release();
    }
  }
  if (inflight_++ == 0) state_->completion.Ref(env);
}

void WorkerPool::WorkerLoop(std::shared_ptr<State> state, Job* first) {
  State& s = *state;
  Worker self;
  Job* job = first;
  std::unique_lock<std::mutex> lock(s.mutex);
  for (;;) {
    if (job == nullptr) {
      // Still holding the lock from the last delivery, so a Submit that follows it finds this thread idle.
      s.idle.push_back(&self);
      self.wake.wait_for(lock, kIdleExit, [&] { return self.job != nullptr || s.closing; });
      if (self.job == nullptr) {  // idle too long, or the environment is going away
        s.idle.erase(std::find(s.idle.begin(), s.idle.end(), &self));
        return;
      }
      job = self.job;
      self.job = nullptr;
    }
    lock.unlock();
    busy_++;
    job->Execute();
    busy_--;
    lock.lock();
    // After the environment's cleanup the job cannot be settled; it is left as it is.
    if (!s.closing) s.completion.NonBlockingCall(job);
    job = nullptr;
  }
}

void WorkerPool::Deliver(Napi::Env env, Napi::Function, WorkerPool* pool, Job* job) {
  if (static_cast<napi_env>(env) == nullptr) return;  // torn down with jobs in flight
  std::unique_ptr<Job> owned(job);
  owned->Complete(env);
  owned.reset();
  if (--pool->inflight_ == 0) pool->state_->completion.Unref(env);
}

}  // namespace modelkv
