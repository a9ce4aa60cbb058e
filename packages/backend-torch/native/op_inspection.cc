#include "op_inspection.h"

#include <ATen/core/interned_strings.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/api/compilation_unit.h>
#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/frontend/source_range.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/runtime/operator.h>
#include <torch/csrc/jit/serialization/import_read.h>
#include <torch/csrc/jit/serialization/import_source.h>
#include <torch/custom_class.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <unordered_set>
#include <utility>

#include "memory_reader.h"
#include "torch_tensors.h"

namespace modelkv {

namespace {

constexpr const char* kCustomClassPrefix = "__torch__.torch.classes.";

bool IsCustomClass(const c10::ClassTypePtr& cls) {
  return cls && cls->name() && cls->name()->qualifiedName().rfind(kCustomClassPrefix, 0) == 0;
}

class Collector {
 public:
  void Unit(torch::jit::CompilationUnit& unit) {
    // Compiling one function can bring more into the unit (types imported on demand).
    size_t seen = 0;
    for (;;) {
      std::vector<torch::jit::Function*> functions = unit.get_functions();
      if (functions.size() == seen) break;
      seen = functions.size();
      for (torch::jit::Function* fn : functions) Function(*fn);
    }
  }

  void Class(const c10::ClassTypePtr& cls, const std::string& where) {
    if (IsCustomClass(cls)) Record(cls->name()->qualifiedName(), where);
  }

  std::vector<OpUse> Take() { return std::move(uses_); }

 private:
  void Function(torch::jit::Function& fn) {
    if (!visited_.insert(&fn).second || !fn.isGraphFunction()) return;
    torch::jit::GraphFunction& graphFn = torch::jit::toGraphFunction(fn);
    graphFn.ensure_defined();
    Block(*graphFn.graph()->block(), fn.qualname().qualifiedName());
  }

  void Block(torch::jit::Block& block, const std::string& where) {
    for (torch::jit::Node* node : block.nodes()) {
      Record(node->kind().toQualString(), where);
      for (torch::jit::Block* sub : node->blocks()) Block(*sub, where);
      for (c10::Symbol name : node->attributeNames()) {
        if (node->kindOf(name) == torch::jit::AttributeKind::g) {
          Block(*node->g(name)->block(), where);
        } else if (node->kindOf(name) == torch::jit::AttributeKind::gs) {
          for (const auto& graph : node->gs(name)) Block(*graph->block(), where);
        }
      }
      for (const torch::jit::Value* output : node->outputs()) Class(output->type()->cast<c10::ClassType>(), where);
      if (node->kind() == c10::prim::CallFunction) {
        if (auto fnType = node->input(0)->type()->cast<c10::FunctionType>()) Function(*fnType->function());
      } else if (node->kind() == c10::prim::CallMethod) {
        auto cls = node->input(0)->type()->cast<c10::ClassType>();
        if (!cls) continue;  // an interface: its implementations are classes of the unit
        Class(cls, where);
        if (torch::jit::Function* method = cls->findMethod(node->s(c10::attr::name))) Function(*method);
      }
    }
  }

  void Record(const std::string& op, const std::string& where) {
    if (seenOps_.insert(op).second) uses_.push_back(OpUse{op, where});
  }

  std::unordered_set<const torch::jit::Function*> visited_;
  std::unordered_set<std::string> seenOps_;
  std::vector<OpUse> uses_;
};

std::string ArchivePath(const std::string& qualifier) {
  std::string path = "code/" + qualifier;
  std::replace(path.begin(), path.end(), '.', '/');
  return path + ".py";
}

}  // namespace

std::vector<OpUse> CollectOps(torch::jit::CompilationUnit& unit) {
  return WithTorchErrors([&] {
    Collector collector;
    collector.Unit(unit);
    return collector.Take();
  });
}

std::vector<OpUse> InspectArchive(const void* data, size_t size) {
  return WithTorchErrors([&] {
    auto reader = std::make_shared<caffe2::serialize::PyTorchStreamReader>(std::make_shared<MemoryReader>(data, size));
    if (reader->hasRecord("model.json")) {
      throw std::runtime_error(
          "the archive is in the format of PyTorch before 1.3 (model.json), whose code cannot be checked before it runs");
    }
    auto unit = std::make_shared<torch::jit::CompilationUnit>();
    std::vector<at::IValue> constants;
    torch::jit::SourceImporter importer(
        unit, &constants,
        [reader](const std::string& qualifier) -> std::shared_ptr<torch::jit::Source> {
          const std::string path = ArchivePath(qualifier);
          if (!reader->hasRecord(path)) return nullptr;
          auto [bytes, length] = reader->getRecord(path);
          return std::make_shared<torch::jit::Source>(std::string(static_cast<const char*>(bytes.get()), length), path, 1, nullptr);
        },
        reader->version());
    Collector collector;
    auto resolveType = [&](const c10::QualifiedName& name) {
      c10::TypePtr type = importer.loadType(name);
      collector.Class(type->cast<c10::ClassType>(), "");
      return c10::StrongTypePtr(unit, std::move(type));
    };
    // What loading would build with __setstate__ or from the pickled attributes; only the type
    // matters here, so the object stays empty and nothing runs.
    auto emptyObject = [](const at::StrongTypePtr& type, const at::IValue&) {
      return c10::ivalue::Object::create(type, type.type_->expectRef<c10::ClassType>().numAttributes());
    };
    at::IValue table = torch::jit::readArchiveAndTensors("constants", "", "", resolveType, emptyObject, at::kCPU, *reader);
    for (const at::IValue& constant : table.toTupleRef().elements()) constants.push_back(constant);
    torch::jit::readArchiveAndTensors("data", "", "", resolveType, emptyObject, at::kCPU, *reader);
    collector.Unit(*unit);
    return collector.Take();
  });
}

Registry ListRegistry() {
  return WithTorchErrors([] {
    Registry registry;
    for (const auto& op : torch::jit::getAllOperators()) {
      std::ostringstream schema;
      schema << op->schema();
      registry.operators.push_back(schema.str());
    }
#define MODELKV_PRIM_KIND(ns, s) \
  if (std::string(#ns) == "prim") registry.nodeKinds.push_back("prim::" #s);
    FORALL_NS_SYMBOLS(MODELKV_PRIM_KIND)
#undef MODELKV_PRIM_KIND
    for (const auto& schema : torch::customClassSchemasForBCCheck()) {
      std::ostringstream text;
      text << schema;
      registry.customClassMethods.push_back(text.str());
    }
    return registry;
  });
}

}  // namespace modelkv
