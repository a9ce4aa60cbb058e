// The kind of handle the TF addon gives JS (see modelkv/handle.h).
#pragma once

#include <modelkv/handle.h>

#include "model.h"

namespace modelkv {

template <>
struct HandleTraits<modelkv_tf::ModelState> {
  static constexpr napi_type_tag tag = {0x6d6f64656c6b7600ULL, 0x74666d6f64656c00ULL};
  static constexpr const char* name = "TF model";
};

}  // namespace modelkv
