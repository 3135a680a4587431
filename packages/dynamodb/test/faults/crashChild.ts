// A Lambda that crashes mid-handler, for crash.int.test.ts: it takes the lock, tells the parent
// on stdout that it is inside the handler (with its key and owner token), and waits to be killed.
// Run: TSX_TSCONFIG_PATH=tsconfig.test.json node --import tsx crashChild.ts <endpoint> <table> <orderId> <remainingMs> [leaseMs]
// With leaseMs, the lock is a heartbeat lease of that length (renewed until the kill).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { getIdempotencyToken, makeIdempotent } from '@oncely/core';
import { DynamoDBStore } from '@oncely/dynamodb';
import { localClientConfig } from '@oncely/dynamodb-local';

const [endpoint = '', tableName = '', orderId = '', remainingMs = '2000', leaseMs] = process.argv.slice(2);
const deadlineMs = Date.now() + Number(remainingMs);
const context = { getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()) };
const store = new DynamoDBStore({ tableName, client: new DynamoDBClient(localClientConfig(endpoint)) });

const handler = makeIdempotent(
  async (_event: { orderId: string }, lambdaContext: object) => {
    process.stdout.write(`inside ${JSON.stringify(getIdempotencyToken(lambdaContext))}\n`);
    await new Promise((resolve) => setTimeout(resolve, 60_000));
    return { charged: 'by the crashed call' };
  },
  {
    store,
    key: 'orderId',
    keyPrefix: 'crash',
    ...(leaseMs === undefined ? {} : { lock: { durationMs: Number(leaseMs) } }),
  },
);

// No top-level await: the test tsconfig compiles to CommonJS. The handler's timer keeps the process alive.
handler({ orderId }, context).catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
