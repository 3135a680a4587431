// The code of docs/migrating-from-powertools.md, type-checked by `npx tsc -p tsconfig.test.json`.
// Each block is a function so the examples do not clash; the page shows their bodies.
import { IdempotencyConfig, makeIdempotent as powertoolsIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeIdempotent } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';

interface PaymentEvent {
  body: { orderId: string; amount: number };
}
declare const capturePayment: (event: PaymentEvent, context: unknown) => Promise<{ statusCode: number; body: string }>;

export const before = () => {
  // before: Powertools for AWS Lambda (TypeScript)
  const persistenceStore = new DynamoDBPersistenceLayer({ tableName: 'IdempotencyTable' });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'body.orderId',
    payloadValidationJmesPath: 'body.amount',
    expiresAfterSeconds: 3600,
  });
  return powertoolsIdempotent(capturePayment, { persistenceStore, config });
};

export const after = () => {
  // after: oncely, sharing the table with Powertools TypeScript
  const store = new DynamoDBStore({
    tableName: 'IdempotencyTable',
    powertools: 'typescript', // read and write `data` as Powertools TypeScript does
  });
  return makeIdempotent(capturePayment, {
    store,
    key: 'body.orderId', // eventKeyJmesPath
    validate: 'body.amount', // payloadValidationJmesPath
    expiresAfterSeconds: 3600,
    hash: 'md5', // Powertools' hashFunction default
    keyPrefix: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'payments', // Powertools' prefix: the function name
    requireKey: false, // Powertools' throwOnNoIdempotencyKey: false (oncely's default is true)
  });
};

export const compositeKey = () => {
  // a composite-key table (Powertools' sortKeyAttr, staticPkValue left at its default)
  return new DynamoDBStore({
    tableName: 'IdempotencyTable',
    powertools: 'typescript',
    sortKey: {
      attribute: 'sk', // sortKeyAttr
      partitionValue: `idempotency#${process.env.AWS_LAMBDA_FUNCTION_NAME}`, // Powertools' staticPkValue default
    },
  });
};

export const customAttributes = () => {
  // custom attribute names (Powertools' keyAttr, expiryAttr, ...)
  return new DynamoDBStore({
    tableName: 'IdempotencyTable',
    powertools: 'typescript',
    attributes: {
      key: 'pk', // keyAttr
      expiration: 'ttl', // expiryAttr
      inProgressExpiration: 'lock_until_ms', // inProgressExpiryAttr
      status: 'state', // statusAttr
      data: 'result', // dataAttr
      validation: 'payload_hash', // validationKeyAttr
    },
  });
};

export const python = () => {
  // a table Powertools for Python also writes to
  return new DynamoDBStore({ tableName: 'IdempotencyTable', powertools: 'python' });
};

export const afterTheSwitch = () => {
  // once no Powertools function writes or reads the table, and a full expiry has passed
  return new DynamoDBStore({ tableName: 'IdempotencyTableV2' }); // oncely's format, compressed results
};
