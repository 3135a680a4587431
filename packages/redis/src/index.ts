export type { PowertoolsFormat, RedisScriptingClient, RedisStoreOptions, ScriptArguments } from './options.js';
export { RedisStore } from './RedisStore.js';
export { recordFields } from './recordCodec.js';
