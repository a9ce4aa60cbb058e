// The header-only C++ every modelkv backend addon shares (job pool, exception guard, handles,
// tensor arguments, zero-copy output buffers), for binding.gyp files:
//   "include_dirs": ["<!(node -p \"require('@modelkv/core/native').include_dir\")"]
// include_dir is relative to the working directory, as node-addon-api's is, so that paths with
// spaces survive gyp.
'use strict';
const path = require('node:path');

module.exports = {
  include_dir: path.relative('.', path.join(__dirname, 'include')),
};
