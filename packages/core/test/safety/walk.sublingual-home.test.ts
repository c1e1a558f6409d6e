import { describeWalks } from './walkSuite.js';

describeWalks('sublingual-home', 200);
