#include "tf_handles.h"

#include <stdexcept>

namespace modelkv_tf {

SessionOptions MakeSessionOptions(const std::string& config) {
  SessionOptions options(TF_NewSessionOptions());
  if (!config.empty()) {
    Status status = NewStatus();
    TF_SetConfig(options.get(), config.data(), config.size(), status.get());
    if (!Ok(status)) throw std::runtime_error("libtensorflow refused the session configuration: " + Message(status));
  }
  return options;
}

}  // namespace modelkv_tf
