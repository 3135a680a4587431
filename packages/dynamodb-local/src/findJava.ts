import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const MIN_JAVA_MAJOR = 17;

const installHint =
  'install Java 17+ (on Debian/Ubuntu: apt-get install openjdk-17-jre-headless), ' +
  'or point JAVA_HOME or the `java` option at one';

/**
 * The Java executable to run DynamoDB Local with: the given path, else `$JAVA_HOME/bin/java`,
 * else `java` on the PATH. Checks that it runs and is Java 17 or newer.
 *
 * @example
 * ```ts
 * const java = findJava(); // '/usr/lib/jvm/java-17-openjdk-amd64/bin/java' or 'java'
 * ```
 */
export const findJava = (java?: string): string => {
  const command = java ?? (process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java');
  const probe = spawnSync(command, ['-version'], { encoding: 'utf8', timeout: 15_000 });
  if (probe.error !== undefined || probe.status !== 0) {
    const reason = probe.error?.message ?? `exit code ${probe.status}`;
    throw new Error(`DynamoDB Local needs Java, but "${command} -version" failed (${reason}); ${installHint}`);
  }
  // `java -version` prints to stderr: openjdk version "17.0.15" 2025-04-15 (Java 8: "1.8.0_392").
  const version = /version "(\d+)(?:\.(\d+))?/.exec(probe.stderr)?.slice(1) ?? [];
  const major = version[0] === '1' ? Number(version[1]) : Number(version[0]);
  if (Number.isFinite(major) && major < MIN_JAVA_MAJOR) {
    throw new Error(`DynamoDB Local needs Java ${MIN_JAVA_MAJOR}+, but "${command}" is Java ${major}; ${installHint}`);
  }
  return command;
};
