// Process-wide facts and settings of libtorch.
#pragma once

#include <string>

namespace modelkv {

std::string TorchVersion();
// CUDA devices libtorch can use now (0 when it was built without CUDA).
int CudaDeviceCount();
// Why there are no GPU devices, or "" when there are.
std::string GpuUnavailableReason();
// Applies thread counts greater than 0; throws std::runtime_error when libtorch refuses.
void SetThreads(int intraOp, int interOp);

}  // namespace modelkv
