import { isIdempotencyError } from '@oncely/core';
import { parseCommandLine, UsageError } from './args.js';
import { openSource } from './connect.js';
import { forgetCommand, releaseCommand } from './deleteCommands.js';
import { type CliIo, exitCodes } from './io.js';
import { keyCommand } from './keyCommand.js';
import { inspectCommand, listCommand, statsCommand } from './recordCommands.js';

const usage = `Usage: oncely COMMAND [flags]

  key --prefix P [--key-path EXPR | --key-header H] [--scope S] [--hash sha256|md5] < event.json
  inspect KEY [--raw]          status, owner, lock, expiry, result, what a replay does now
  list [--prefix P] [--status INPROGRESS|COMPLETED] [--stuck] [--stuck-after SEC] [--limit N]
  release KEY [--owner O]      delete an INPROGRESS record (the next retry runs)
  forget KEY                   delete a COMPLETED record (the next call runs again)
  stats [--prefix P]           counts by status and prefix, oldest lock, item sizes

Connection: --table NAME [--region R] [--endpoint URL] [--profile P]
            [--sort-key ATTR --partition-value V] [--attribute NAME=ATTR ...]
            [--powertools typescript|python]
        or  --redis URL [--redis-key-prefix P] [--powertools typescript]
Every command: --json for scripts; release and forget need --yes off a terminal.
Exit codes: 0 done, 1 not found or refused, 2 usage.
`;

/**
 * Runs one command line and returns its exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['inspect', 'payments#abc', '--table', 'idempotency'], processIo());
 * ```
 */
export const main = async (argv: readonly string[], io: CliIo): Promise<number> => {
  try {
    const { command, positionals, flags } = parseCommandLine(argv);
    if (flags.help || command === undefined || command === 'help') {
      io.stdout(usage);
      return command === undefined && !flags.help ? exitCodes.usage : exitCodes.ok;
    }
    if (command === 'key') return await keyCommand(flags, io);
    const run = { inspect: inspectCommand, release: releaseCommand, forget: forgetCommand }[command];
    const scan = { list: listCommand, stats: statsCommand }[command];
    if (run === undefined && scan === undefined) throw new UsageError(`unknown command "${command}"`);
    const source = await openSource(flags);
    try {
      return run === undefined
        ? await (scan as typeof listCommand)(source, flags, io)
        : await run(source, positionals, flags, io);
    } finally {
      await source.close();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`oncely: ${error.message}\n\n${usage}`);
      return exitCodes.usage;
    }
    if (isIdempotencyError(error) && error.name === 'IdempotencyConfigError') {
      io.stderr(`oncely: ${error.message}\n`);
      return exitCodes.usage;
    }
    const { name, message } = error as Error;
    io.stderr(`oncely: ${name}: ${message}\n`);
    return exitCodes.refused;
  }
};
