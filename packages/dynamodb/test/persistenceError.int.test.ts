import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { IdempotencyPersistenceError } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { freePort, localEndpoint } from '@oncely/dynamodb-local';
import { lockFor } from './fixtures';

// Real DynamoDBClients, misconfigured as a function can be, each failing the way the SDK fails:
// the advice must name what to configure, and the error must not invite a retry.
// The environment is emptied of AWS settings so that the SDK finds no region or credentials of
// the machine's; instance metadata is switched off so the credential chain stays on this machine.
const awsVariables = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_SDK_LOAD_CONFIG',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
];
const saved = new Map(awsVariables.map((name) => [name, process.env[name]]));
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

// Something that answers HTTP on the endpoint, but not as DynamoDB: a web server's 404 page.
let notDynamoDB: Server;
let notDynamoDBEndpoint: string;

beforeAll(async () => {
  for (const name of awsVariables) delete process.env[name];
  process.env.AWS_CONFIG_FILE = '/nonexistent/oncely/config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/oncely/credentials';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  notDynamoDB = createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found'));
  await new Promise<void>((resolve) => notDynamoDB.listen(0, '127.0.0.1', resolve));
  notDynamoDBEndpoint = `http://127.0.0.1:${(notDynamoDB.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await new Promise((resolve) => notDynamoDB.close(resolve));
});

// Under Jest, Node's socket errors come from another realm than the SDK's `Error`, so its retry
// layer rethrows them as `Error("AWS SDK error wrapper for Error: connect ECONNREFUSED ...")`,
// without `code`; outside Jest they keep `code`, `address`, `port` (both shapes are classified).

/** The error a store on a client made from `clientConfig` throws for a lock. */
const acquireWith = async (clientConfig: DynamoDBClientConfig) => {
  const store = new DynamoDBStore({ tableName: 'idempotency', clientConfig });
  try {
    const error = await store.acquire(lockFor()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IdempotencyPersistenceError);
    return error as IdempotencyPersistenceError;
  } finally {
    store.client.destroy();
  }
};

describe('a DynamoDB client that is not configured', () => {
  it('without a region fails saying to set AWS_REGION or pass region, not retryable', async () => {
    const error = await acquireWith({ credentials });

    expect(error.cause).toMatchObject({ name: 'Error', message: 'Region is missing' });
    expect(error.message).toMatch(
      /\(Error: Region is missing\); the DynamoDB client has no valid region: set AWS_REGION/,
    );
    expect(error.retryable).toBe(false);
  });

  it('without credentials fails saying where credentials come from, not retryable', async () => {
    const error = await acquireWith({ region: 'us-east-1', endpoint: localEndpoint() });

    expect(error.cause).toMatchObject({
      name: 'CredentialsProviderError',
      message: 'Could not load credentials from any providers',
    });
    expect(error.message).toMatch(/found no AWS credentials: on Lambda, give the function an execution role/);
    expect(error.retryable).toBe(false);
  });
});

describe('a DynamoDB client with a wrong endpoint', () => {
  it('fails on a closed port saying to check the endpoint and the network, not retryable', async () => {
    const port = await freePort();

    const error = await acquireWith({ region: 'us-east-1', credentials, endpoint: `http://127.0.0.1:${port}` });

    expect(String(error.cause)).toContain(`connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(error.message).toMatch(/no DynamoDB answers at the client's endpoint: check the endpoint option/);
    expect(error.message).not.toMatch(/transient/);
    expect(error.retryable).toBe(false);
  });

  it('fails on a host name that does not resolve the same way', async () => {
    const error = await acquireWith({ region: 'us-east-1', credentials, endpoint: 'http://nonexistent.invalid:8000' });

    expect(String(error.cause)).toContain('getaddrinfo ENOTFOUND nonexistent.invalid');
    expect(error.message).toMatch(/no DynamoDB answers at the client's endpoint/);
    expect(error.retryable).toBe(false);
  });

  it('fails on an endpoint that is not a URL the same way', async () => {
    const error = await acquireWith({ region: 'us-east-1', credentials, endpoint: 'not a url' });

    expect(error.cause).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_URL' });
    expect(error.message).toMatch(/no DynamoDB answers at the client's endpoint/);
    expect(error.retryable).toBe(false);
  });

  it('fails on a server that is not DynamoDB (HTTP 404) the same way', async () => {
    const error = await acquireWith({ region: 'us-east-1', credentials, endpoint: notDynamoDBEndpoint });

    expect(error.cause).toMatchObject({ $metadata: { httpStatusCode: 404 } });
    expect(error.message).toMatch(/no DynamoDB answers at the client's endpoint/);
    expect(error.retryable).toBe(false);
  });
});

describe('a table that does not exist', () => {
  it('fails saying to create it, not retryable', async () => {
    const error = await acquireWith({
      region: 'us-east-1',
      credentials,
      endpoint: localEndpoint(),
      maxAttempts: 1,
    });

    expect(error.cause).toMatchObject({ name: 'ResourceNotFoundException' });
    expect(error.message).toMatch(/table "idempotency" not found; create it with createIdempotencyTable/);
    expect(error.retryable).toBe(false);
  });
});
