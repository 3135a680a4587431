import { idempotency } from '@oncely/middy';
import middy6 from 'middy6';
import middy7 from 'middy7';
import type { FrontDoor } from '../../core/test/frontDoors.js';

// biome-ignore lint/suspicious/noExplicitAny: both Middy majors take any handler
type MiddyFactory = (handler: any) => any;

/** Middy 6 and 7, each as the `@middy/core` default export. */
export const middyVersions: [string, MiddyFactory][] = [
  ['Middy 6', middy6 as unknown as MiddyFactory],
  ['Middy 7', middy7 as unknown as MiddyFactory],
];

/** The oncely middleware on each Middy major, as a front door of the shared behaviour suite. */
export const middyFrontDoors: FrontDoor[] = middyVersions.map(([name, middy]) => [
  `idempotency() on ${name}`,
  (fn, options) => {
    const handler = middy(fn).use(idempotency(options));
    // Middy reads the context's remaining time, so it needs a context object.
    return (event, context) => handler(event, context ?? {});
  },
]);
