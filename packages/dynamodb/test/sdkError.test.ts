import { classifySdkError } from '../src/sdkError.js';

const sdkError = (name: string, httpStatusCode: number, message = 'failed') =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
const networkError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('classifySdkError', () => {
  it.each<[string, unknown, string]>([
    ['a refused condition', sdkError('ConditionalCheckFailedException', 400), 'conditionalCheckFailed'],
    ['a cancelled transaction', sdkError('TransactionCanceledException', 400), 'transactionCanceled'],
    ['a missing region', new Error('Region is missing'), 'configuration'],
    ['a refused connection', networkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'), 'configuration'],
    ['a DNS failure for now', networkError('EAI_AGAIN', 'getaddrinfo EAI_AGAIN dynamodb'), 'dnsTemporary'],
    ['throttling', sdkError('ThrottlingException', 400), 'throttled'],
    ['a missing table', sdkError('ResourceNotFoundException', 400), 'tableNotFound'],
    [
      'an item too large',
      sdkError('ValidationException', 400, 'Item size has exceeded the maximum allowed size'),
      'itemTooLarge',
    ],
    ['a request that does not match the table', sdkError('ValidationException', 400), 'invalidRequest'],
    ['missing permissions', sdkError('AccessDeniedException', 400), 'accessDenied'],
    ['a 500', sdkError('InternalServerError', 500), 'ambiguous'],
    ['a reset connection', networkError('ECONNRESET', 'socket hang up'), 'ambiguous'],
    ['a timeout', sdkError('TimeoutError', 0), 'ambiguous'],
    ['anything else', new Error('boom'), 'other'],
    ['a thrown string', 'boom', 'other'],
  ])('classifies %s', (_case, error, kind) => {
    expect(classifySdkError(error).kind).toBe(kind);
  });

  it('names the setting of a configuration failure', () => {
    expect(classifySdkError(new Error('Region is missing'))).toEqual({ kind: 'configuration', problem: 'region' });
  });

  it('takes a refusal DynamoDB names over a 5xx status, in one order for the store and the patterns', () => {
    expect(classifySdkError(sdkError('ThrottlingException', 503)).kind).toBe('throttled');
    expect(classifySdkError(sdkError('ConditionalCheckFailedException', 500)).kind).toBe('conditionalCheckFailed');
  });
});
