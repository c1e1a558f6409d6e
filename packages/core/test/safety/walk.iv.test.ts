import { describeWalks } from './walkSuite.js';

describeWalks('iv', 200);
