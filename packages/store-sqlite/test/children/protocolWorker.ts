// For the protocol crash test: commits journeys that bring protocols to a SqliteStore, one commit
// after another, until the parent kills it with SIGKILL. Each acknowledged commit is logged
// before the next one starts, so the parent knows exactly what was acknowledged. Logs ids only.
//
// Run: node protocolWorker.mjs '<json config>' (bundled by the workspace's test/support/bundleChild.ts)
import { SqliteStore } from '../../src/index.js';
import { openChildLog } from './childLog.js';
import { journeyIdOf, protocolCommit } from './protocolCommits.js';

interface ProtocolWorkerConfig {
  readonly dbPath: string;
  readonly logPath: string;
  readonly run: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as ProtocolWorkerConfig;
const log = openChildLog(config.logPath);
const store = new SqliteStore({ path: config.dbPath });
process.stdout.write('ready\n');

for (let n = 0; ; n++) {
  await store.commit(protocolCommit(config.run, n));
  log.write({ t: 'acked', journeyId: journeyIdOf(config.run, n), n });
}
