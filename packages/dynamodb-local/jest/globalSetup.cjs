// Jest loads global setup files with its transform but without its moduleNameMapper, so the
// TypeScript sources' `./x.js` imports would not resolve. tsx's require maps them to `./x.ts`.
const { require: tsxRequire } = require('tsx/cjs/api');

module.exports = tsxRequire('../src/jest/globalSetup.ts', __filename).default;
