import { type DynamoDBClientConfig, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStore } from '@oncely/dynamodb';
import { type FaultCounts, type FaultProxy, localEndpoint, startFaultProxy } from '@oncely/dynamodb-local';
import { describeCounts as describeAnyCounts, faultReporter } from '../../../core/test/faults/report';
import { localClient, useTestTable } from '../fixtures';

type RetryStrategy = NonNullable<DynamoDBClientConfig['retryStrategy']>;

/**
 * The SDK's own retries, as the standard strategy decides them (throttling and transient errors,
 * 5xx and dropped connections among them) but with a fixed short delay, so tests stay fast.
 * The standard strategy waits 500 ms and more after a throttle.
 */
export const shortRetries = (maxAttempts: number, delayMs = 5): RetryStrategy => {
  const token = (retryCount: number) => ({ getRetryCount: () => retryCount, getRetryDelay: () => delayMs });
  return {
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (previous, { errorType }) => {
      const retryable = errorType === 'THROTTLING' || errorType === 'TRANSIENT';
      if (!retryable || previous.getRetryCount() + 1 >= maxAttempts) throw new Error('No retry token available');
      return token(previous.getRetryCount() + 1);
    },
    recordSuccess: () => {},
  };
};

/** A fault proxy in front of the DynamoDB Local of the Jest global setup. */
export const startProxy = (seed = 1): Promise<FaultProxy> => startFaultProxy({ target: localEndpoint(), seed });

/**
 * The setup of a fault test file: a table of its own with a `direct` store that bypasses the
 * proxy (made before the file's tests), and a fresh fault proxy for every test.
 */
export const useProxiedTable = () => {
  const local = useTestTable();
  let proxy: FaultProxy | undefined;
  beforeEach(async () => {
    proxy = await startProxy();
  });
  afterEach(async () => {
    await proxy?.close();
  });
  return {
    get table() {
      return local.table;
    },
    get direct(): DynamoDBStore {
      return local.store;
    },
    get proxy(): FaultProxy {
      if (proxy === undefined)
        throw new Error('useProxiedTable: the proxy starts in beforeEach; read it inside a test');
      return proxy;
    },
  };
};

/** A store whose client goes through `proxy`, with `maxAttempts` SDK attempts per request. */
export const proxiedStore = (proxy: FaultProxy, tableName: string, maxAttempts = 3): DynamoDBStore =>
  new DynamoDBStore({
    tableName,
    client: localClient({ endpoint: proxy.endpoint, retryStrategy: shortRetries(maxAttempts) }),
  });

/** Every item of a table, through a client that bypasses the proxy. */
export const scanTable = async (tableName: string) => {
  const client = localClient();
  try {
    return (await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items ?? [];
  } finally {
    client.destroy();
  }
};

/** `PutItem 3 (ambiguous 1, forwarded 2), UpdateItem 1 (forwarded 1)` */
export const describeCounts = (counts: FaultCounts): string => describeAnyCounts(counts);

/** Prints `[faults] <scenario>: name=value ...`, one line of figures a scenario measured. */
export const report = faultReporter();

export { lambdaContext, sleep, waitUntil } from '../../../core/test/faults/realTime';
