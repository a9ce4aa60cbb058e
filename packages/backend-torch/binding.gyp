{
  "targets": [
    {
      "target_name": "modelkv_torch",
      "sources": [
        "src/addon.cc",
        "src/native_tensor.cc",
        "src/jobs.cc",
        "src/worker_pool.cc",
        "src/torch_model.cc",
        "src/torch_script.cc",
        "src/torch_tensors.cc",
        "src/torch_runtime.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "<!@(node scripts/find-libtorch.js cflags)"],
      "libraries": ["<!@(node scripts/find-libtorch.js libraries)"],
      "xcode_settings": { "GCC_ENABLE_CPP_EXCEPTIONS": "YES", "GCC_ENABLE_CPP_RTTI": "YES", "CLANG_CXX_LANGUAGE_STANDARD": "c++17" }
    }
  ]
}
