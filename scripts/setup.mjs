#!/usr/bin/env node
// Installs the workspace on a machine that has only Node (20 or later) and npm: no global pnpm,
// no npm configuration, no way to download prebuilt binaries or Node's headers.
//
//   node scripts/setup.mjs
//
// It runs the pnpm version the workspace pins (package.json "packageManager") through npx, with
// the frozen lockfile. The SQLite store's native module (better-sqlite3) compiles from source
// when no prebuilt binary can be downloaded; node-gyp then needs Node's C headers, which it would
// otherwise try to download. They ship with Node at <prefix>/include/node, so this script derives
// that directory from the running node and passes it on as npm_config_nodedir.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fail = (message) => {
  console.error(`setup: ${message}`);
  process.exit(1);
};

const [major] = process.versions.node.split('.').map(Number);
if (major < 20) fail(`Node 20 or later is needed; this is Node ${process.versions.node}.`);

const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (!/^pnpm@\d+\.\d+\.\d+$/.test(packageManager ?? '')) fail('package.json has no "packageManager": "pnpm@x.y.z" field.');

const env = { ...process.env };
if (!env.npm_config_nodedir) {
  // <prefix>/bin/node (or <prefix>/node.exe on Windows) ships its headers in <prefix>/include/node.
  const candidates = [dirname(dirname(process.execPath)), dirname(process.execPath)];
  const prefix = candidates.find((dir) => existsSync(join(dir, 'include', 'node', 'node.h')));
  if (prefix) {
    env.npm_config_nodedir = prefix;
  } else {
    console.warn("setup: Node's headers (include/node/node.h) were not found next to this node; node-gyp may try to download them.");
  }
}

// The native toolchain is needed only when better-sqlite3 compiles from source: say so up front.
const onPath = (command) =>
  (env.PATH ?? '').split(delimiter).some((dir) => dir && ['', '.exe', '.cmd'].some((ext) => existsSync(join(dir, command + ext))));
const missing = [['python3', 'python'], ['make'], ['g++', 'c++', 'clang++']].filter((names) => !names.some(onPath)).map((names) => names[0]);
if (process.platform !== 'win32' && missing.length > 0) {
  console.warn(`setup: ${missing.join(', ')} not found: compiling the SQLite module from source needs python3, make and a C++ compiler (g++).`);
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const args = ['--yes', packageManager, 'install', '--frozen-lockfile'];
console.log(`setup: npx ${args.join(' ')}${env.npm_config_nodedir ? ` (Node headers: ${env.npm_config_nodedir})` : ''}`);
const result = spawnSync(npx, args, { cwd: root, env, stdio: 'inherit', shell: process.platform === 'win32' });
if (result.error) fail(`could not run npx: ${result.error.message}`);
process.exit(result.status ?? 1);
