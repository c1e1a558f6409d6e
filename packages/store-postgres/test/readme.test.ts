// Every ```ts block of the README type-checks and runs, against a database of its own on the
// local test server.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawClient, TEST_DATABASE_URL } from './helpers/testDb.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('../', import.meta.url));
const dir = `${packageDir}test/.readme-${process.pid}/`;
const blocks = [...readFileSync(`${packageDir}README.md`, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) =>
  m[1]!.replaceAll("'@carejourney/store-postgres'", "'../../src/index.js'"),
);
const database = `cj_readme_${randomBytes(4).toString('hex')}`;
const databaseUrl = Object.assign(new URL(TEST_DATABASE_URL), { pathname: `/${database}` }).toString();

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  blocks.forEach((code, i) => writeFileSync(`${dir}block-${i + 1}.ts`, `${code}\nexport {};\n`));
  writeFileSync(`${dir}tsconfig.json`, JSON.stringify({ extends: '../../tsconfig.json', include: ['./*.ts'] }));
  const db = await rawClient();
  await db.query(`CREATE DATABASE ${database}`);
  await db.end();
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const db = await rawClient();
  await db.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await db.end();
});

describe('README code blocks', () => {
  it('has blocks to check', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  it('type-check', { timeout: 60_000 }, async () => {
    const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));
    const result = await run(process.execPath, [tsc, '--noEmit', '-p', `${dir}tsconfig.json`], { cwd: packageDir }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe('');
  });

  it('run, each in its own process', { timeout: 60_000 }, async () => {
    for (let i = 1; i <= blocks.length; i++) {
      const { stderr } = await run(process.execPath, ['--import', 'tsx', `${dir}block-${i}.ts`], {
        cwd: packageDir,
        env: { ...process.env, DATABASE_URL: databaseUrl, TSX_TSCONFIG_PATH: `${packageDir}tsconfig.json` },
        timeout: 30_000,
      });
      expect(stderr, `block ${i}`).not.toMatch(/Error/);
    }
  });
});
