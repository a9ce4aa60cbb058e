{
  # The layout every modelkv backend addon follows: C++ in native/, the shared headers of
  # @modelkv/core/native, compiler and linker flags from the library's discovery script.
  'targets': [{
    'target_name': 'modelkv_tf',
    'sources': ['native/addon.cc', 'native/dtypes.cc', 'native/jobs.cc', 'native/model.cc', 'native/tensors.cc', 'native/tf_handles.cc'],
    'include_dirs': [
      "<!(node -p \"require('node-addon-api').include_dir\")",
      "<!(node -p \"require('@modelkv/core/native').include_dir\")",
    ],
    'defines': ['NAPI_VERSION=8', 'NAPI_CPP_EXCEPTIONS', 'NODE_ADDON_API_DISABLE_DEPRECATED'],
    'cflags!': ['-fno-exceptions'],
    'cflags_cc!': ['-fno-exceptions', '-fno-rtti', '-std=gnu++17'],
    'cflags_cc': ['-std=c++17', '-fexceptions', '-fvisibility=hidden', '-Wall', '-Wextra', '-Wno-unused-parameter', '<!@(node scripts/find-libtensorflow.mjs cflags)'],
    'libraries': ['<!@(node scripts/find-libtensorflow.mjs libs)'],
  }],
}
