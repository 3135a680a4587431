import { describeFrontDoorBehaviour } from '../../core/test/frontDoorBehaviour.js';
import { middyFrontDoors } from './doors.js';

describeFrontDoorBehaviour(middyFrontDoors);
