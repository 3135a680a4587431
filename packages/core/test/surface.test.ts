import { join } from 'node:path';
import * as core from '@oncely/core';
import * as engine from '@oncely/core/engine';
import * as jmespathEntry from '@oncely/core/jmespath';
import { buildSync } from 'esbuild';

// The exact runtime names of each entry point (types are erased): a new export is a decision to
// write here, not an accident of `export { ... }` in an index.
describe('the public surface', () => {
  it('exports what users write from @oncely/core', () => {
    expect(Object.keys(core).sort()).toEqual([
      'IdempotencyAlreadyInProgressError',
      'IdempotencyConfigError',
      'IdempotencyError',
      'IdempotencyKeyError',
      'IdempotencyPersistenceError',
      'IdempotencyResultNotStoredError',
      'IdempotencyValidationError',
      'InMemoryStore',
      'ReplayedError',
      'errorNamed',
      'getIdempotencyToken',
      'httpResponses',
      'idempotent',
      'isIdempotencyError',
      'makeIdempotent',
      'metricsOnDecision',
      'problemResponse',
      'silentLogger',
    ]);
  });

  it('exports what adapters need from @oncely/core/engine', () => {
    expect(Object.keys(engine).sort()).toEqual([
      'IdempotencyEngine',
      'answerWith',
      'canTakeOver',
      'canonicalJson',
      'consoleLogger',
      'defaultKeyPrefix',
      'hashValue',
      'idempotencyKey',
      'isCompleted',
      'isDottedPath',
      'isLockExpired',
      'isMissingKey',
      'isRecordExpired',
      'parseRecordStatus',
      'resolveOptions',
      'systemClock',
    ]);
  });

  it('exports only jmespath from @oncely/core/jmespath', () => {
    expect(Object.keys(jmespathEntry)).toEqual(['jmespath']);
  });
});

// JMESPath is about 7 KB gzip: only an import of @oncely/core/jmespath may pull it into a bundle.
describe('JMESPath in bundles', () => {
  const src = join(__dirname, '..', 'src');
  /** The files esbuild reads to bundle this entry point (type-only imports are erased first). */
  const inputsOf = (entry: string): string[] => {
    const { metafile } = buildSync({
      entryPoints: [join(src, entry)],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
    });
    return Object.keys(metafile.inputs);
  };
  const jmespathFiles = (inputs: string[]) => inputs.filter((file) => file.includes('@aws-lambda-powertools/jmespath'));

  it('stays out of @oncely/core', () => {
    const inputs = inputsOf('index.ts');

    expect(inputs).toContainEqual(expect.stringMatching(/core\/src\/makeIdempotent\.ts$/));
    expect(jmespathFiles(inputs)).toEqual([]);
  });

  it('stays out of @oncely/core/engine', () => {
    expect(jmespathFiles(inputsOf('entries/engine.ts'))).toEqual([]);
  });

  it('comes with @oncely/core/jmespath', () => {
    expect(jmespathFiles(inputsOf('entries/jmespath.ts'))).not.toEqual([]);
  });
});
