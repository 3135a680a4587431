import { describeEdges } from './edges.js';
import { coreFrontDoors } from './frontDoors.js';

describeEdges(coreFrontDoors);
