// Checks every public package the way a consumer sees it, after `npm run build`: publint
// (package.json fields, exports map, files), Are the Types Wrong (types and module format
// resolve under node10, node16 CJS and ESM, and bundlers), and the tarball's contents: only the
// built code and declarations of existing sources (no build info, maps or stale files), the
// README with no relative links (they break on the registry), and the root LICENSE.
// Exits non-zero on any problem. What attw cannot see (the declarations of the packages we import,
// checked without skipLibCheck) is covered by scripts/consumer-test.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../', import.meta.url).pathname;
const packagesDir = join(root, 'packages');
const license = readFileSync(join(root, 'LICENSE'), 'utf8');

// A packed file is expected when it is metadata or the build output of a file in src/.
const unexpected = (dir, file) => {
  if (['package.json', 'README.md', 'LICENSE'].includes(file)) return false;
  const built = /^dist\/(?:esm|cjs)\/(.+?)(?:\.js|\.d\.ts)$/.exec(file);
  if (built) return !existsSync(join(dir, 'src', `${built[1]}.ts`));
  return !/^dist\/(?:esm|cjs)\/package\.json$/.test(file);
};

/** The files a manifest's `exports` (every condition) and `typesVersions` name, without `./`. */
const mappedFiles = (manifest) => {
  const targets = [];
  const walk = (value) => {
    if (typeof value === 'string') targets.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(manifest.exports ?? {});
  walk(manifest.typesVersions ?? {});
  return targets.filter((target) => !target.includes('*')).map((target) => target.replace(/^\.\//, ''));
};

const contentProblems = (dir, manifest) => {
  const problems = [];
  const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8' });
  if (pack.status !== 0) return [`npm pack failed: ${pack.stderr}`];
  const files = JSON.parse(pack.stdout)[0].files.map((file) => file.path);
  for (const file of files.filter((path) => unexpected(dir, path))) {
    problems.push(`${file} is packed but is no build output of src/ (stale? run a clean build)`);
  }
  for (const needed of ['LICENSE', 'README.md', 'dist/esm/index.js', 'dist/cjs/index.js']) {
    if (!files.includes(needed)) problems.push(`${needed} is not packed`);
  }
  // Every file the exports map and typesVersions point to (the subpaths such as @oncely/core/engine
  // and @oncely/core/jmespath included), so an entry point never resolves to a file left out.
  for (const target of new Set(mappedFiles(manifest))) {
    if (!files.includes(target)) problems.push(`${target} is in package.json's exports but is not packed`);
  }
  if (existsSync(join(dir, 'LICENSE')) && readFileSync(join(dir, 'LICENSE'), 'utf8') !== license) {
    problems.push('LICENSE differs from the root LICENSE');
  }
  const readme = existsSync(join(dir, 'README.md')) ? readFileSync(join(dir, 'README.md'), 'utf8') : '';
  for (const [, target] of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (!/^(?:https?:|mailto:|#)/.test(target))
      problems.push(`README.md links to ${target}: relative links break on npm`);
  }
  const repository = manifest.repository ?? {};
  if (!repository.url || repository.directory !== `packages/${dir.split('/').at(-1)}`) {
    problems.push('package.json needs repository.url and repository.directory (the README links to it)');
  }
  return problems;
};

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
  const problems = contentProblems(dir, manifest);
  failed ||= problems.length > 0;
  console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} contents ${manifest.name}`);
  for (const problem of problems) console.log(`     ${problem}`);
}
process.exit(failed ? 1 : 0);
