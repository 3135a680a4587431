import { describeFrontDoorBehaviour } from './frontDoorBehaviour.js';
import { coreFrontDoors } from './frontDoors.js';

describeFrontDoorBehaviour(coreFrontDoors);
