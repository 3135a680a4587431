import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const docs = join(__dirname, '../../../docs');
const page = readFileSync(join(docs, 'migrating-from-powertools.md'), 'utf8');
const snippets = readFileSync(join(docs, 'snippets/migrating-from-powertools.ts'), 'utf8');

const trimmedLines = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');

const codeBlocks = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

describe('the Powertools migration page', () => {
  it('has code blocks', () => {
    expect(codeBlocks.length).toBeGreaterThan(5);
  });

  // The snippets file is type-checked with the tests (tsconfig.test.json), so the page compiles.
  it.each(codeBlocks.map((block) => [block.split('\n')[0], block]))(
    'shows only code that is in the type-checked snippets file: %s',
    (_first, block) => {
      expect(trimmedLines(snippets)).toContain(trimmedLines(block ?? ''));
    },
  );
});
