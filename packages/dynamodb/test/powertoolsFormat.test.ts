import { IdempotencyPersistenceError } from '@oncely/core';
import { buildCompleteInput } from '../src/commandInputs.js';
import { resolveStoreOptions } from '../src/options.js';

const typescript = resolveStoreOptions({ tableName: 't', powertools: 'typescript' });
const completion = { key: 'orders#abc', owner: 'o1', expiresAtSec: 1_700_003_600 };

describe("completing a record with powertools: 'typescript'", () => {
  it('writes the result as the native value Powertools TypeScript writes', () => {
    const input = buildCompleteInput(typescript, { ...completion, data: '{"statusCode":201,"body":"ok"}' });

    expect(input.ExpressionAttributeValues?.[':data']).toEqual({
      M: { statusCode: { N: '201' }, body: { S: 'ok' } },
    });
  });

  it('refuses a native result too large for an item, with its size', () => {
    const data = JSON.stringify({ lines: Array.from({ length: 30_000 }, (_, i) => `line ${i} of the order`) });

    const complete = () => buildCompleteInput(typescript, { ...completion, data });

    expect(complete).toThrow(IdempotencyPersistenceError);
    expect(complete).toThrow(expect.objectContaining({ retryable: false, sizeBytes: expect.any(Number) }));
  });
});
