// See globalSetup.cjs for why the TypeScript source is loaded through tsx.
const { require: tsxRequire } = require('tsx/cjs/api');

module.exports = tsxRequire('../src/jest/globalTeardown.ts', __filename).default;
