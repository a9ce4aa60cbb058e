#include "deadline.h"

#include <c10/util/ThreadLocalDebugInfo.h>
#include <torch/csrc/jit/api/compilation_unit.h>
#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/library.h>

#include <string>

namespace modelkv {

namespace {

constexpr c10::DebugInfoKind kDeadlineSlot = c10::DebugInfoKind::INFERENCE_CONTEXT;

struct DeadlineInfo final : c10::DebugInfoBase {
  DeadlineInfo(Deadline at, int64_t ms) : at(at), ms(ms) {}
  Deadline at;
  int64_t ms;
};

void CheckDeadline() {
  auto* info = dynamic_cast<DeadlineInfo*>(c10::ThreadLocalDebugInfo::get(kDeadlineSlot));
  if (info != nullptr && std::chrono::steady_clock::now() >= info->at) {
    throw std::runtime_error("the run timed out after " + std::to_string(info->ms) + " ms");
  }
}

void InstrumentBlock(torch::jit::Graph& graph, torch::jit::Block* block, const c10::Symbol& check) {
  for (torch::jit::Node* node : block->nodes()) {
    for (torch::jit::Block* sub : node->blocks()) InstrumentBlock(graph, sub, check);
    if (node->kind() == c10::prim::Loop) {
      torch::jit::WithInsertPoint at(node->blocks()[0]);
      graph.insert(check, {});
    }
  }
}

}  // namespace

// CONSERVATIVE: the compiler must assume the check has effects, so no pass removes or moves it.
TORCH_LIBRARY(modelkv, m) { m.def(torch::schema("modelkv::check_deadline() -> ()", c10::AliasAnalysisKind::CONSERVATIVE), &CheckDeadline); }

void InstrumentLoops(torch::jit::CompilationUnit& unit) {
  static const c10::Symbol check = c10::Symbol::fromQualString("modelkv::check_deadline");
  for (torch::jit::Function* fn : unit.get_functions()) {
    if (!fn->isGraphFunction()) continue;
    torch::jit::GraphFunction& graphFn = torch::jit::toGraphFunction(*fn);
    graphFn.ensure_defined();
    std::shared_ptr<torch::jit::Graph> graph = graphFn.graph();
    InstrumentBlock(*graph, graph->block(), check);
  }
}

DeadlineScope::DeadlineScope(Deadline deadline, int64_t timeoutMs) {
  if (timeoutMs > 0) guard_ = std::make_unique<c10::DebugInfoGuard>(kDeadlineSlot, std::make_shared<DeadlineInfo>(deadline, timeoutMs));
}

DeadlineScope::~DeadlineScope() = default;

}  // namespace modelkv
