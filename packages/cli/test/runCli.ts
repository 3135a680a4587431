import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
const bin = join(root, 'packages/cli/src/bin.ts');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `oncely` bin from its TypeScript sources as a child process (tsx, with the test
 * tsconfig's paths, so `@oncely/*` resolve to src and no build is needed). Standard input is
 * `stdin`, or closed: never a terminal.
 */
export const runCli = (args: string[], stdin = ''): Promise<CliRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', bin, ...args], {
      cwd: root,
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: join(root, 'tsconfig.test.json'),
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_REGION: 'us-east-1',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
