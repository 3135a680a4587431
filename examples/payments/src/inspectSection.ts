import { type CliIo, main } from '@oncely/cli';
import { capture } from './steps.js';

const TITLE = "3. p-1's record, as the oncely CLI shows it (its key from `oncely key` on p-1's event)";

/** Runs one `oncely` command line in this process; stdin is `stdin`, never a terminal. */
const oncely = async (argv: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> => {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async () => stdin,
    interactive: false,
    confirm: async () => false,
    now: () => Date.now(),
  };
  return { code: await main(argv, io), stdout, stderr };
};

/**
 * The demo's last section: `oncely key` finds the key of payment p-1 from its event, with the
 * handler's options, and `oncely inspect` shows its record in the table on DynamoDB Local.
 */
export const inspectSection = async (local: { endpoint: string; tableName: string }): Promise<string> => {
  const keyOptions = ['--prefix', 'payments.capture', '--key-path', 'body.paymentId'];
  const keyRun = await oncely(['key', ...keyOptions], JSON.stringify(capture('p-1', 100)));
  const key = keyRun.stdout.trim();
  // The CLI builds its own client with the SDK's credential chain; DynamoDB Local takes any.
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  const inspectArgs = [
    'inspect',
    key,
    '--table',
    local.tableName,
    '--endpoint',
    local.endpoint,
    '--region',
    'us-east-1',
  ];
  const inspect = await oncely(inspectArgs).finally(() => {
    restore('AWS_ACCESS_KEY_ID', saved.id);
    restore('AWS_SECRET_ACCESS_KEY', saved.secret);
  });
  const shortKey = `${key.slice(0, 'payments.capture#'.length + 8)}…`;
  return [
    TITLE,
    '',
    `$ npx oncely inspect '${shortKey}' --table ${local.tableName} --endpoint ${local.endpoint}`,
    (keyRun.code === 0 ? inspect.stdout : '') + keyRun.stderr + inspect.stderr,
  ].join('\n');
};

const restore = (name: string, value: string | undefined): void => {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};
