// Owning handles for libtensorflow's C objects, so every exit path releases them.
#pragma once

#include <memory>
#include <string>

#include <tensorflow/c/c_api.h>

namespace modelkv_tf {

struct StatusDeleter {
  void operator()(TF_Status* s) const { TF_DeleteStatus(s); }
};
struct GraphDeleter {
  void operator()(TF_Graph* g) const { TF_DeleteGraph(g); }
};
struct ImportOptionsDeleter {
  void operator()(TF_ImportGraphDefOptions* o) const { TF_DeleteImportGraphDefOptions(o); }
};
struct SessionOptionsDeleter {
  void operator()(TF_SessionOptions* o) const { TF_DeleteSessionOptions(o); }
};
struct BufferDeleter {
  void operator()(TF_Buffer* b) const { TF_DeleteBuffer(b); }
};
struct DeviceListDeleter {
  void operator()(TF_DeviceList* d) const { TF_DeleteDeviceList(d); }
};
struct TensorDeleter {
  void operator()(TF_Tensor* t) const { TF_DeleteTensor(t); }
};

using Status = std::unique_ptr<TF_Status, StatusDeleter>;
using Graph = std::unique_ptr<TF_Graph, GraphDeleter>;
using ImportOptions = std::unique_ptr<TF_ImportGraphDefOptions, ImportOptionsDeleter>;
using SessionOptions = std::unique_ptr<TF_SessionOptions, SessionOptionsDeleter>;
using Buffer = std::unique_ptr<TF_Buffer, BufferDeleter>;
using DeviceList = std::unique_ptr<TF_DeviceList, DeviceListDeleter>;
using Tensor = std::unique_ptr<TF_Tensor, TensorDeleter>;

inline Status NewStatus() { return Status(TF_NewStatus()); }

inline bool Ok(const Status& s) { return TF_GetCode(s.get()) == TF_OK; }

inline std::string Message(const Status& s) { return TF_Message(s.get()); }

/** Closes and deletes a session; a session is only ever released through this. */
struct SessionDeleter {
  void operator()(TF_Session* session) const {
    Status status = NewStatus();
    TF_CloseSession(session, status.get());
    TF_DeleteSession(session, status.get());
  }
};
using Session = std::unique_ptr<TF_Session, SessionDeleter>;

/**
 * Session options from a serialized ConfigProto (may be empty).
 * Throws std::runtime_error with TF's message when the bytes are refused.
 */
SessionOptions MakeSessionOptions(const std::string& config);

}  // namespace modelkv_tf
