import { describeFrontDoorBehaviour } from '../../core/test/frontDoorBehaviour.js';
import { describePolicies } from '../../core/test/policies.js';
import { middyFrontDoors } from './doors.js';

describeFrontDoorBehaviour(middyFrontDoors);
describePolicies(middyFrontDoors);
