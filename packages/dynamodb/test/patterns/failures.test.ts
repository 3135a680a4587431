import { WriteFailedError } from '@oncely/dynamodb/patterns';
import { toWriteFailedError } from '../../src/patterns/failures.js';
import { toPersistenceError } from '../../src/persistenceError.js';

const sdkError = (name: string, httpStatusCode: number, message = 'failed') =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
const noCredentials = () =>
  Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });

const write = { operation: 'PutItem', tableName: 'balances', subject: 'item id=acct-1', isWrite: true };
const storeWrite = { operation: 'acquire', key: 'orders#1', tableName: 'idempotency' } as const;

describe('toWriteFailedError', () => {
  it.each<[string, () => unknown, RegExp]>([
    ['no region', () => new Error('Region is missing'), /no valid region: set AWS_REGION .* retrying does not help/],
    ['no credentials', noCredentials, /found no AWS credentials: on Lambda, give the function an execution role/],
    ['a refused connection', refused, /no DynamoDB answers at the client's endpoint/],
  ])('says what to configure for %s, not to retry, and that nothing was applied', (_case, cause, advice) => {
    const error = toWriteFailedError(cause(), write);

    expect(error).toBeInstanceOf(WriteFailedError);
    expect(error.message).toMatch(advice);
    expect(error.message).not.toMatch(/transient/);
    expect(error).toMatchObject({ maybeApplied: false, tableName: 'balances' });
  });

  it('calls an item too large by its name, not a key schema mismatch', () => {
    const tooLarge = sdkError('ValidationException', 400, 'Item size has exceeded the maximum allowed size');

    const error = toWriteFailedError(tooLarge, write);

    expect(error.message).toMatch(/the item is larger than DynamoDB allows \(400 KB\)/);
    expect(error.message).not.toMatch(/key schema/);
  });

  it.each<[string, unknown, RegExp, boolean]>([
    [
      'a 500 on a write',
      sdkError('InternalServerError', 500),
      /may have been applied; retrying with the same arguments/,
      true,
    ],
    ['throttling', sdkError('ThrottlingException', 400), /throttled and the SDK retries are used up/, false],
    ['a missing table', sdkError('ResourceNotFoundException', 400), /the table does not exist/, false],
    ['missing permissions', sdkError('AccessDeniedException', 400), /grant dynamodb:PutItem on the table/, false],
  ])('explains %s', (_case, cause, advice, maybeApplied) => {
    const error = toWriteFailedError(cause, write);

    expect(error.message).toMatch(/^DynamoDB PutItem of item id=acct-1 on table "balances" failed \(/);
    expect(error.message).toMatch(advice);
    expect(error).toMatchObject({ maybeApplied, cause });
  });

  it('gives the same advice as the store for throttling, DNS and configuration failures', () => {
    const causes = [
      sdkError('ThrottlingException', 400),
      Object.assign(new Error('getaddrinfo EAI_AGAIN dynamodb'), { code: 'EAI_AGAIN' }),
      new Error('Region is missing'),
      noCredentials(),
      refused(),
    ];

    for (const cause of causes) {
      const advice = (message: string) => message.slice(message.indexOf('); ') + 3);
      expect(advice(toWriteFailedError(cause, write).message)).toBe(
        advice(toPersistenceError(cause, storeWrite).message),
      );
    }
  });
});
