// `pnpm example [<name>]`: the command line, run as the root script runs it (node with tsx, from
// examples/), its output piped (so plain text).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { examples } from '../src/examples.js';
import { reportJourneys } from '../src/reportJourneys.js';

const examplesDir = fileURLToPath(new URL('..', import.meta.url));
const run = (args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/example.ts', ...args], { cwd: examplesDir, env: { ...process.env, ...env } });

describe('pnpm example', () => {
  it('runs the flagship by default: a plain timeline when piped, in the clinic zone', async () => {
    const { stdout } = await run([], { FORCE_COLOR: '1' });
    expect(stdout).not.toContain('\u001b[');
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('IV ketamine for generalized anxiety: referral → screening → induction → response review → maintenance');
    expect(lines[1]).toBe('Times are local to the clinic (Europe/Berlin).');
    expect(lines).toContain('Next:      maintenance session 8 on 2026-05-15 10:00 (Europe/Berlin)');
    expect(lines.at(-2)).toMatch(/^Ran in \d+ ms\.$/);
  }, 30_000);

  it('names the examples with --list, and refuses an unknown name', async () => {
    const { stdout } = await run(['--list']);
    expect(stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/)[0])).toEqual(Object.keys(examples));
    await expect(run(['no-such-example'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('Examples: flagship, esketamine') });
  }, 30_000);

  it('is the root script, taking a name, and every example journey is in the report', () => {
    const root = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    const own = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
    expect(root.scripts['example']).toBe('pnpm --silent --filter @carejourney/examples run example');
    expect(own.scripts['example']).toBe('node --import tsx src/example.ts');
    expect(Object.keys(reportJourneys)).toEqual(Object.keys(examples));
    expect(Object.keys(examples)).toHaveLength(8);
  });
});
