import { describeWalks } from './walkSuite.js';

describeWalks('esketamine-nasal', 200);
