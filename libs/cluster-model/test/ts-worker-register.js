// Lets a worker thread require the TypeScript sources directly (compiled by SWC on load), with
// @clusterpulse/* mapped to the libraries' sources as in the jest preset. Long model runs go to a
// worker because jest's sandbox makes Math built-ins many times slower than plain Node.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const libs = path.resolve(__dirname, '../..');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const m = /^@clusterpulse\/(contracts|kpi|cluster-model)$/.exec(request);
  return resolve.call(this, m ? path.join(libs, m[1], 'src/index.ts') : request, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
