import type { ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();
const signals = ['SIGINT', 'SIGTERM'] as const;

const killAll = (): void => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
};

const onSignal = (signal: NodeJS.Signals): void => {
  killAll();
  uninstall();
  // Our listener replaced Node's default action; without other listeners, die by the signal as
  // the sender intended.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
};

const install = (): void => {
  process.on('exit', killAll);
  for (const signal of signals) process.on(signal, onSignal);
};

const uninstall = (): void => {
  process.off('exit', killAll);
  for (const signal of signals) process.off(signal, onSignal);
};

/**
 * Kills `child` when this process exits or gets SIGINT/SIGTERM, so no java process outlives a
 * test run. Returns the function that forgets it again (after a normal stop).
 *
 * @example
 * ```ts
 * const forget = stopOnExit(child);
 * child.once('exit', forget);
 * ```
 */
export const stopOnExit = (child: ChildProcess): (() => void) => {
  if (running.size === 0) install();
  running.add(child);
  return () => {
    running.delete(child);
    if (running.size === 0) uninstall();
  };
};
