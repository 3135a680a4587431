export type { JmesPathOptions } from '../jmespath.js';
export { jmespath } from '../jmespath.js';
