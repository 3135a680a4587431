import { parseArgs } from 'node:util';

/** A command line the CLI cannot run: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const options = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  raw: { type: 'boolean' },
  // connection
  table: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  profile: { type: 'string' },
  redis: { type: 'string' },
  'redis-key-prefix': { type: 'string' },
  'sort-key': { type: 'string' },
  'partition-value': { type: 'string' },
  attribute: { type: 'string', multiple: true },
  powertools: { type: 'string' },
  // key
  prefix: { type: 'string' },
  'key-path': { type: 'string' },
  'key-header': { type: 'string' },
  scope: { type: 'string' },
  hash: { type: 'string' },
  // list, release
  status: { type: 'string' },
  stuck: { type: 'boolean' },
  'stuck-after': { type: 'string' },
  limit: { type: 'string' },
  owner: { type: 'string' },
} as const;

/** The parsed command line. */
export type Flags = ReturnType<typeof parseCommandLine>['flags'];

/**
 * Parses argv (without node and the script) with Node's `util.parseArgs`: the command, its
 * positionals and the flags. Throws `UsageError` for an unknown flag or a missing value.
 */
export const parseCommandLine = (argv: readonly string[]) => {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    const [command, ...rest] = positionals;
    return { command, positionals: rest, flags: values };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
};

/** A flag's value as a positive integer, or `undefined` when absent. */
export const positiveInteger = (value: string | undefined, flag: string): number | undefined => {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new UsageError(`--${flag} must be a positive integer, got "${value}"`);
  return parsed;
};
