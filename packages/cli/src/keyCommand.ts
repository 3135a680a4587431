import { type HashAlgorithm, InMemoryStore, silentLogger } from '@oncely/core';
import { idempotencyKey, isDottedPath, isMissingKey, resolveOptions } from '@oncely/core/engine';
import { jmespath } from '@oncely/core/jmespath';
import { type Flags, UsageError } from './args.js';
import { type CliIo, exitCodes } from './io.js';

/**
 * `oncely key`: the key a payload (JSON on stdin) gets with the handler's options, computed
 * by the same option checks and key derivation as the engine.
 */
// A dotted path as the `key` option takes it (`lines.0.sku`, `body.order-id`), else JMESPath.
const keyAt = (path: string) => (isDottedPath(path) ? path : jmespath(path));

export const keyCommand = async (flags: Flags, io: CliIo): Promise<number> => {
  const prefix = flags.prefix;
  if (prefix === undefined)
    throw new UsageError('oncely key needs --prefix (the keyPrefix, or Lambda function name + front door)');
  const hash = (flags.hash ?? 'sha256') as HashAlgorithm;
  const scope = flags.scope;
  if (flags['key-path'] !== undefined && flags['key-header'] !== undefined) {
    throw new UsageError('oncely key takes --key-path or --key-header, not both');
  }
  const resolved = resolveOptions({
    store: new InMemoryStore(),
    keyPrefix: prefix,
    hash,
    logger: silentLogger,
    ...(flags['key-path'] !== undefined && { key: keyAt(flags['key-path']) }),
    ...(flags['key-header'] !== undefined && { key: { header: flags['key-header'] } }),
    ...(scope !== undefined && { scope: () => scope }),
  });
  const text = await io.readStdin();
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `stdin is not JSON (${(error as Error).message}); pipe the event: oncely key ... < event.json`,
    );
  }
  const material = resolved.selectKey(payload);
  if (isMissingKey(material)) {
    io.stderr(`The payload has no idempotency key: ${resolved.keySource} selected nothing.\n`);
    return exitCodes.refused;
  }
  const key = idempotencyKey(prefix, material, hash, scope);
  io.stdout(flags.json ? `${JSON.stringify({ key })}\n` : `${key}\n`);
  return exitCodes.ok;
};
