#include "torch_runtime.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include "torch_tensors.h"

namespace modelkv {

std::string TorchVersion() { return TORCH_VERSION; }

int CudaDeviceCount() {
  try {
    return torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

std::string GpuUnavailableReason() {
#ifdef MODELKV_TORCH_CUDA
  return CudaDeviceCount() > 0 ? "" : "libtorch has CUDA support but no CUDA device is available";
#else
  return "libtorch " TORCH_VERSION " was built without CUDA";
#endif
}

void SetThreads(int intraOp, int interOp) {
  WithTorchErrors([&] {
    if (intraOp > 0) at::set_num_threads(intraOp);
    if (interOp > 0) at::set_num_interop_threads(interOp);
  });
}

}  // namespace modelkv
