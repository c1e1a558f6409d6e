import { describeWalks } from './walkSuite.js';

describeWalks('sc', 200);
