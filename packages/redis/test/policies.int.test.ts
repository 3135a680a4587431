import { describeEdges } from '../../core/test/edges.js';
import { describeFrontDoorBehaviour } from '../../core/test/frontDoorBehaviour.js';
import { coreFrontDoors } from '../../core/test/frontDoors.js';
import { describePolicies } from '../../core/test/policies.js';
import { middyFrontDoors } from '../../middy/test/doors.js';
import { useRedis } from './fixtures';

// The behaviour and policy suites of every front door, on a real redis-server instead of memory.
// Each store gets a key prefix of its own, so tests that reuse payloads and prefixes never meet.
const redis = useRedis();
const doors = [...coreFrontDoors.slice(0, 1), ...middyFrontDoors];

describePolicies(doors, () => redis.store());
describeFrontDoorBehaviour(doors, () => redis.store());
// The edges cost seconds of real time each: the wrapper and one Middy version suffice.
describeEdges([doors[0], doors[doors.length - 1]] as typeof doors, () => redis.store());
