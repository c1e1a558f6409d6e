import Database from 'better-sqlite3';
import { afterAll, afterEach } from 'vitest';
import { SqliteStore, type SqliteStoreOptions } from '../../src/index.js';
import { removeTempDbs, tempDbPath } from './tempDb.js';

/**
 * The stores and raw connections a test file opens, each closed after its test (newest first),
 * and the temporary files removed after the file. Call once at the top of a test file.
 *
 * @example
 * ```ts
 * const { openStore, rawDb } = openedFiles({ synchronous: 'normal' });
 * const store = openStore(); // a new file; openStore(path) opens another store on it
 * closeAfter(new SqliteStore({ path })); // anything else to close after the test
 * ```
 */
export function openedFiles(defaults: Partial<SqliteStoreOptions> = {}): {
  openStore(options?: Partial<SqliteStoreOptions> | string): SqliteStore;
  rawDb(path: string, options?: Database.Options): Database.Database;
  closeAfter<T extends { close(): unknown }>(opened: T): T;
} {
  const open: { close(): unknown }[] = [];
  afterEach(async () => {
    for (const c of open.splice(0).reverse()) await c.close();
  });
  afterAll(removeTempDbs);
  return {
    openStore(options = {}) {
      const given = typeof options === 'string' ? { path: options } : options;
      const store = new SqliteStore({ path: tempDbPath(), ...defaults, ...given });
      open.push(store);
      return store;
    },
    rawDb(path, options) {
      const db = new Database(path, options);
      open.push(db);
      return db;
    },
    closeAfter(opened) {
      open.push(opened);
      return opened;
    },
  };
}
