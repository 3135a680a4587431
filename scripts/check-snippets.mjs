// Type-checks every ```ts / ```typescript block of the READMEs and docs pages against the BUILT
// packages (run `npm run build` first), so a reader can paste what the docs show. Each block
// becomes its own module; `@oncely/*` resolves through the workspace symlinks in node_modules,
// to the types in dist, exactly as a user's project resolves them.
//
// Markers, an HTML comment right before the block (blank lines between are allowed):
//   <!-- snippet-preamble: declare const payments: { capture(p: unknown): Promise<unknown> }; -->
//     hidden code put before the block: declarations of the names it uses but does not define.
//   <!-- snippet-dir: src -->
//     the block is a file in that folder, relative to the page: its relative imports resolve there.
//   <!-- snippet: skip (why) -->
//     a deliberately partial fragment; keep these rare and say why.
// Every block, skipped or checked elsewhere too, must also set no option by its 0.x name (`keyPath:`,
// `lease: {`, `http: true`, ...): type errors miss options spread in from a variable.
// Exits non-zero on any type error or 0.x option, each reported at its line in the markdown file.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// Inside node_modules, so that imports resolve from the repository as in a user's project.
const outDir = join(root, 'node_modules/.cache/check-snippets');

// Pages whose blocks are type-checked elsewhere.
const coveredElsewhere = new Map([
  [
    'docs/migrating-from-powertools.md',
    'docs/snippets/migrating-from-powertools.ts, compared with the page by packages/dynamodb/test/powertoolsDocs.test.ts',
  ],
]);

const markdownUnder = (dir) =>
  existsSync(join(root, dir))
    ? readdirSync(join(root, dir), { recursive: true })
        .map((file) => join(dir, String(file)))
        .filter((file) => file.endsWith('.md') && !file.split('/').includes('node_modules'))
    : [];

const readmesIn = (dir) =>
  existsSync(join(root, dir))
    ? readdirSync(join(root, dir))
        .map((name) => join(dir, name, 'README.md'))
        .filter((file) => existsSync(join(root, file)))
    : [];

const pages = ['README.md', ...markdownUnder('docs'), ...readmesIn('packages'), ...readmesIn('examples')]
  .concat(existsSync(join(root, 'bench/README.md')) ? ['bench/README.md'] : [])
  .filter((file) => statSync(join(root, file)).isFile())
  .sort();

/** The ts blocks of one page, with the markers before each. */
const blocksOf = (page) => {
  const lines = readFileSync(join(root, page), 'utf8').split('\n');
  const blocks = [];
  let comments = []; // marker comments seen since the last non-blank, non-comment line
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const comment = line.trim().match(/^<!--\s*(snippet-preamble:|snippet-dir:|snippet:)/);
    if (comment) {
      const start = i;
      let text = line;
      while (!text.includes('-->') && i + 1 < lines.length) text += `\n${lines[++i]}`;
      comments.push({ line: start + 1, text: text.trim().replace(/^<!--/, '').replace(/-->$/, '').trim() });
      continue;
    }
    const fence = line.match(/^(\s*)(`{3,}|~{3,})\s*([\w-]*)/);
    if (!fence) {
      comments = [];
      continue;
    }
    const [, indent = '', marks = '```', lang = ''] = fence;
    const bodyStart = i + 1;
    const body = [];
    for (i++; i < lines.length && !(lines[i] ?? '').trim().startsWith(marks); i++) {
      const bodyLine = lines[i] ?? '';
      body.push(bodyLine.startsWith(indent) ? bodyLine.slice(indent.length) : bodyLine.trimStart());
    }
    if (lang === 'ts' || lang === 'typescript') {
      const skip = comments.find((c) => c.text.startsWith('snippet:') && /^snippet:\s*skip\b/.test(c.text));
      const preambles = comments.filter((c) => c.text.startsWith('snippet-preamble:'));
      const dir = comments.find((c) => c.text.startsWith('snippet-dir:'));
      blocks.push({
        page,
        line: bodyStart + 1, // 1-based line of the block's first code line
        code: body.join('\n'),
        skip: skip ? skip.text.replace(/^snippet:\s*skip\s*/, '').trim() || '(no reason given)' : undefined,
        preamble: preambles.map((c) => ({ line: c.line, text: c.text.replace(/^snippet-preamble:\s*/, '') })),
        dir: join(dirname(page), dir ? dir.text.replace(/^snippet-dir:\s*/, '') : '.'),
      });
    }
    comments = [];
  }
  return blocks;
};

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

// Options of oncely 0.x as code sets them, with their 1.0 form (the migration table in the
// @oncely/core README has the details).
const oldOptions = [
  [/\bkeyPath\s*:/, 'keyPath:', "key: 'a.dotted.path' or key: jmespath('...')"],
  [/\bkeyHeader\s*:/, 'keyHeader:', 'key: { header }'],
  [/\bvalidatePath\s*:/, 'validatePath:', "validate: 'a.dotted.path' or validate: jmespath('...')"],
  [/\bjmesPathOptions\s*:/, 'jmesPathOptions:', 'jmespath(expression, { functions })'],
  [/\blockDurationMs\s*:/, 'lockDurationMs:', 'lock: { durationMs }'],
  [/\blease\s*:\s*\{/, 'lease: {', 'lock: { durationMs, renew }'],
  [/\bhttp\s*:\s*true\b/, 'http: true', 'responses: httpResponses'],
  [/\bwait\s*:\s*true\b/, 'wait: true', 'whenInProgress: { waitMs }'],
  [/\bmaxWaitMs\s*:/, 'maxWaitMs:', 'whenInProgress: { waitMs }'],
  [/\bcacheErrors\s*:\s*\[/, 'cacheErrors: [', "cacheErrors: errorNamed('...')"],
];
const oldOptionReport = [];
for (const page of pages) {
  for (const block of blocksOf(page)) {
    block.code.split('\n').forEach((text, i) => {
      for (const [pattern, name, now] of oldOptions) {
        if (pattern.test(text))
          oldOptionReport.push(`${page}:${block.line + i}: 0.x option "${name}"; 1.0 writes ${now}`);
      }
    });
  }
}

const files = new Map(); // temp file -> { block, preambleLines }
let skipped = 0;
for (const page of pages) {
  if (coveredElsewhere.has(page)) {
    console.log(`- ${page}: checked by ${coveredElsewhere.get(page)}`);
    continue;
  }
  for (const block of blocksOf(page)) {
    if (block.skip !== undefined) {
      skipped++;
      console.log(`- skip ${page}:${block.line} ${block.skip}`);
      continue;
    }
    // Relative imports name files next to the page (or in its snippet-dir): point them there.
    const located = (text) =>
      text.replace(
        /(\bfrom\s+|\bimport\s*\(\s*|^import\s+)(['"])(\.\.?\/[^'"]*)\2/gm,
        (_match, before, quote, specifier) => `${before}${quote}${join(root, block.dir, specifier)}${quote}`,
      );
    const preamble = located(block.preamble.map((p) => p.text).join('\n'));
    const preambleLines = preamble === '' ? 0 : preamble.split('\n').length;
    const name = `${page.replace(/[^\w]+/g, '_')}_L${block.line}.ts`;
    const code = located(block.code);
    // `export {}` makes every block a module of its own, so blocks never clash.
    writeFileSync(join(outDir, name), `${preamble === '' ? '' : `${preamble}\n`}${code}\nexport {};\n`);
    files.set(name, { block, preambleLines });
  }
}

writeFileSync(
  join(outDir, 'tsconfig.json'),
  JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023'],
        types: ['node'],
        module: 'ESNext',
        moduleResolution: 'Bundler',
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        noImplicitOverride: true,
        esModuleInterop: true,
        skipLibCheck: true,
        noEmit: true,
      },
      files: [...files.keys()],
    },
    null,
    2,
  ),
);

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = spawnSync(process.execPath, [tsc, '-p', join(outDir, 'tsconfig.json'), '--pretty', 'false'], {
  cwd: outDir,
  encoding: 'utf8',
});

// `file(line,col): error TS1234: message`, continuation lines indented.
const failing = new Set();
const report = [];
for (const entry of `${run.stdout}${run.stderr}`.split(/\n(?=\S)/)) {
  if (entry.trim() === '') continue;
  const match = entry.match(/^(.+?\.ts)\((\d+),(\d+)\): (.*)$/s);
  const file = match?.[1];
  const known = file === undefined ? undefined : files.get(file);
  if (!match || known === undefined) {
    report.push(entry);
    continue;
  }
  const { block, preambleLines } = known;
  const line = Number(match[2]);
  const where =
    line <= preambleLines
      ? `${block.page}:${block.preamble[0]?.line ?? block.line} (preamble)`
      : `${block.page}:${block.line + line - preambleLines - 1}:${match[3]}`;
  failing.add(file);
  report.push(`${where}: ${match[4]}`);
}

report.push(...oldOptionReport);
console.log(report.join('\n'));
const checked = files.size;
console.log(`${checked - failing.size}/${checked} snippets type-check, ${skipped} skipped (${relative(root, outDir)})`);
if (oldOptionReport.length > 0) console.log(`${oldOptionReport.length} line(s) set an option by its 0.x name`);
process.exit(run.status === 0 && report.length === 0 ? 0 : 1);
