// Checks every public package the way a consumer sees it, after `npm run build`: publint
// (package.json fields, exports map, files) and Are the Types Wrong (types and module format
// resolve under node10, node16 CJS and ESM, and bundlers). Exits non-zero on any problem.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const packagesDir = new URL('../packages/', import.meta.url).pathname;
let failed = false;
for (const name of readdirSync(packagesDir).sort()) {
  const dir = join(packagesDir, name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (manifest.private) continue;
  for (const [tool, args] of [
    ['publint', ['publint', '--strict']],
    ['attw', ['attw', '--pack', '.', '--format', 'table-flipped']],
  ]) {
    const run = spawnSync('npx', ['--no-install', ...args], { cwd: dir, encoding: 'utf8' });
    const ok = run.status === 0;
    failed ||= !ok;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${tool} ${manifest.name}`);
    if (!ok) console.log(run.stdout, run.stderr);
  }
}
process.exit(failed ? 1 : 0);
