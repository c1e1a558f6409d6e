import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresStore, type PostgresStoreOptions } from '../../src/index.js';

/** The local test server (trust auth). CI starts it and creates the `test` database. */
export const TEST_DATABASE_URL = process.env['CAREJOURNEY_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

const schemas = new Set<string>();

/** A schema name no other test run uses; {@link dropTestSchemas} drops it. */
export function testSchema(label = 't'): string {
  const name = `cj_${label}_${process.pid}_${randomBytes(4).toString('hex')}`;
  schemas.add(name);
  return name;
}

/** Opens a store on the test server in a fresh schema (or the given one). */
export function openTestStore(options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  return PostgresStore.open({ connectionString: TEST_DATABASE_URL, poolSize: 4, ...options, schema: options.schema ?? testSchema() });
}

/** A plain client on the test server for checks behind the store's back. */
export async function rawClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, application_name: 'carejourney-test-checks' });
  await client.connect();
  return client;
}

/** Drops every schema this process made. Call it from `afterAll`. */
export async function dropTestSchemas(): Promise<void> {
  if (schemas.size === 0) return;
  const client = await rawClient();
  try {
    for (const name of schemas) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    schemas.clear();
  } finally {
    await client.end();
  }
}
