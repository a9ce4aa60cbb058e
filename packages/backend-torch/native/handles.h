// The kinds of handle the TORCH addon gives JS (see modelkv/handle.h).
#pragma once

#include <modelkv/handle.h>

#include "torch_model.h"
#include "torch_script.h"

namespace modelkv {

template <>
struct HandleTraits<TorchModel> {
  static constexpr napi_type_tag tag = {0x6d6f64656c6b7600ULL, 0x746f7263686d6f64ULL};
  static constexpr const char* name = "TORCH model";
};

template <>
struct HandleTraits<TorchScript> {
  static constexpr napi_type_tag tag = {0x6d6f64656c6b7600ULL, 0x746f726368736372ULL};
  static constexpr const char* name = "TORCH script";
};

}  // namespace modelkv
