// tsc emits ESM into dist/esm and CommonJS into dist/cjs from one source tree;
// a package.json in each output folder tells Node which module system the .js files use.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

for (const root of ['packages']) {
  for (const name of readdirSync(root)) {
    const dist = join(root, name, 'dist');
    if (!existsSync(dist)) continue;
    for (const [folder, type] of [
      ['esm', 'module'],
      ['cjs', 'commonjs'],
    ]) {
      if (existsSync(join(dist, folder))) {
        writeFileSync(join(dist, folder, 'package.json'), `${JSON.stringify({ type })}\n`);
      }
    }
  }
}
