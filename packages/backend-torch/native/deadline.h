// Run deadlines for TorchScript. The addon registers a side-effecting operator,
// modelkv::check_deadline, and places it at the top of every loop body in a model's or script's
// graphs; it throws `the run timed out after N ms` once the running job's deadline has passed,
// so a script looping forever ends at its next iteration. The deadline travels with the run as
// libtorch's thread-local debug info (kind INFERENCE_CONTEXT), which libtorch hands on to the
// tasks a run forks (torch.jit.fork).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

namespace c10 {
class DebugInfoGuard;
}
namespace torch::jit {
struct CompilationUnit;
}

namespace modelkv {

using Deadline = std::chrono::steady_clock::time_point;

// Adds the check to every loop of every function and method of `unit`; before their first run.
void InstrumentLoops(torch::jit::CompilationUnit& unit);

// While alive, the current thread's run (and what it forks) ends once `deadline` has passed,
// reported as `timeoutMs`. A timeoutMs of 0 sets nothing.
class DeadlineScope {
 public:
  DeadlineScope(Deadline deadline, int64_t timeoutMs);
  ~DeadlineScope();
  DeadlineScope(const DeadlineScope&) = delete;
  DeadlineScope& operator=(const DeadlineScope&) = delete;

 private:
  std::unique_ptr<c10::DebugInfoGuard> guard_;
};

}  // namespace modelkv
