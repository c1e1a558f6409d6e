import { describeWalks } from './walkSuite.js';

describeWalks('im', 200);
