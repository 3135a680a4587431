#!/usr/bin/env node
import { main } from './main.js';
import { processIo } from './processIo.js';

void main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
