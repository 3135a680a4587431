export type { CliIo } from './io.js';
export { exitCodes } from './io.js';
export { main } from './main.js';
export { processIo } from './processIo.js';
