// Process exit while a native thread is still inside a library (a run that never returns): the
// C library's exit() runs the static destructors of libtorch / libtensorflow under that thread,
// which can crash the process on its way out. The guard, registered once per addon when its
// first pool is made (so after those libraries registered their destructors, and so called
// before them), ends the process at once with the same exit status when a thread of this addon
// is busy, without the destructors; with every thread idle it does nothing and exit goes on as
// usual. It changes nothing in the host's JavaScript.
#pragma once

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
}  // namespace detail

inline void InstallExitGuard() {
#ifdef __GLIBC__
  static std::once_flag once;
  std::call_once(once, [] { on_exit(&detail::ExitWithoutDestructorsWhenBusy, nullptr); });
#endif
}

}  // namespace modelkv
