// What TorchScript code can reach, for the safe-op policy (the policy itself is in
// src/op-policy.ts): every operator its graphs use and every libtorch custom class it touches.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace torch::jit {
struct CompilationUnit;
}

namespace modelkv {

struct OpUse {
  // "aten::from_file", "prim::Print", "quantized::linear", or a custom class such as
  // "__torch__.torch.classes.quantized.LinearPackedParamsBase".
  std::string op;
  // The qualified function or method it was first found in; empty for a class named by the
  // archive's data.
  std::string function;
};

// Every operator the functions and methods of `unit` use, following calls into other functions
// and methods, nested blocks and subgraphs. Each op once, in the order found.
std::vector<OpUse> CollectOps(torch::jit::CompilationUnit& unit);

// The same for a TorchScript archive (torch.jit.save), before it is loaded: its code is compiled
// into a scratch compilation unit and its pickles are read for the types they name, but none of
// it runs (loading runs each object's __setstate__). Throws std::runtime_error for an archive
// that cannot be read, or an archive in the format of PyTorch before 1.3, which is loaded by
// other means that cannot be checked first.
std::vector<OpUse> InspectArchive(const void* data, size_t size);

// Every operator libtorch has registered (schema strings) and the prim:: node kinds its IR knows;
// the input of scripts/torch-ops.mjs, which reviews the policy against them.
struct Registry {
  std::vector<std::string> operators;
  std::vector<std::string> nodeKinds;
  std::vector<std::string> customClassMethods;
};
Registry ListRegistry();

}  // namespace modelkv
