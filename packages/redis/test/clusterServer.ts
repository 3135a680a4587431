import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@oncely/dynamodb-local';
import { createClient } from '@redis/client';

/** A Redis-compatible server process (redis-server or valkey-server) on 127.0.0.1. */
export interface ServerProcess {
  port: number;
  url: string;
  /** The child process, e.g. to stop it answering with SIGSTOP. */
  child: ChildProcess;
  /** Stops the server (SIGCONT and SIGTERM, then SIGKILL); resolves once it has exited. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;

/** True when `command` runs on this machine (`<command> --version` exits 0). */
export const installed = (command: string): boolean => spawnSync(command, ['--version']).status === 0;

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

const answersPing = async (url: string): Promise<boolean> => {
  const probe = createClient({ url, socket: { connectTimeout: 500, reconnectStrategy: false } });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.destroy();
  }
};

/**
 * Starts `command` (redis-server or valkey-server: they take the same flags) on a free loopback
 * port without persistence, with `extraArgs`, and waits until it answers PING.
 */
export const startServer = async (command = 'redis-server', extraArgs: string[] = []): Promise<ServerProcess> => {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const spawnFailed = new Promise<never>((_, reject) => child.once('error', reject));
  spawnFailed.catch(() => undefined);
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited(child);
    clearTimeout(killer);
  };
  const deadlineMs = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadlineMs) {
    await Promise.race([sleep(50), spawnFailed]);
    if (child.exitCode !== null) throw new Error(`${command} exited with code ${child.exitCode}:\n${output}`);
    if (await answersPing(url)) return { port, url, child, stop };
  }
  await stop();
  throw new Error(`${command} did not answer PING on port ${port} within ${READY_TIMEOUT_MS} ms:\n${output}`);
};

/** A local Redis Cluster of masters without replicas. */
export interface LocalCluster {
  nodes: ServerProcess[];
  /** Stops every node and removes their cluster config files. */
  stop(): Promise<void>;
}

/**
 * Starts `masters` cluster-enabled servers on loopback ports, joins them with
 * `redis-cli --cluster create` (no replicas), and waits until every node reports
 * `cluster_state:ok`. Each node's cluster bus listens on its port + 10000.
 */
export const startCluster = async (masters = 3, command = 'redis-server'): Promise<LocalCluster> => {
  const directory = mkdtempSync(join(tmpdir(), 'oncely-cluster-'));
  const nodes: ServerProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    for (let index = 0; index < masters; index++) {
      const config = join(directory, `nodes-${index}.conf`);
      nodes.push(await startServer(command, ['--cluster-enabled', 'yes', '--cluster-config-file', config]));
    }
    const create = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...nodes.map((node) => `127.0.0.1:${node.port}`), '--cluster-replicas', '0'],
      { input: 'yes\n', encoding: 'utf8', timeout: 20_000, env: { ...process.env, REDISCLI_CLUSTER_YES: '1' } },
    );
    if (create.status !== 0) {
      throw new Error(`redis-cli --cluster create failed (${create.status}):\n${create.stdout}${create.stderr}`);
    }
    const deadlineMs = Date.now() + READY_TIMEOUT_MS;
    for (const node of nodes) {
      for (;;) {
        const info = spawnSync('redis-cli', ['-p', String(node.port), 'cluster', 'info'], { encoding: 'utf8' });
        if (info.stdout.includes('cluster_state:ok')) break;
        if (Date.now() > deadlineMs) throw new Error(`node ${node.port} not ready:\n${info.stdout}`);
        await sleep(100);
      }
    }
    return { nodes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};
