{
  # tf_dir: a folder with lib/libtensorflow.so and include/ (see scripts/libtensorflow.mjs):
  # by default the deps/ folder of @tensorflow/tfjs-node-gpu.
  'variables': { 'tf_dir%': '<!(node scripts/libtensorflow.mjs)' },
  'targets': [{
    'target_name': 'modelkv_tf',
    'sources': ['native/addon.cc', 'native/dtypes.cc', 'native/model.cc', 'native/tensors.cc', 'native/tf_handles.cc'],
    'include_dirs': ["<!(node -p \"require('node-addon-api').include_dir\")", '<(tf_dir)/include'],
    'defines': ['NAPI_VERSION=8', 'NAPI_CPP_EXCEPTIONS', 'NODE_ADDON_API_DISABLE_DEPRECATED'],
    'cflags!': ['-fno-exceptions'],
    'cflags_cc!': ['-fno-exceptions', '-fno-rtti', '-std=gnu++17'],
    'cflags_cc': ['-std=c++17', '-fexceptions', '-Wall', '-Wextra', '-Wno-unused-parameter'],
    'libraries': ['-L<(tf_dir)/lib', '-ltensorflow', '-Wl,-rpath,<(tf_dir)/lib'],
  }],
}
