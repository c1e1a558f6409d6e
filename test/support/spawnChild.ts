import { spawn, type ChildProcess } from 'node:child_process';
import { bundleChild } from './bundleChild.js';

export interface Child {
  readonly process: ChildProcess;
  /** Resolves when the child printed `ready` (rejects if it exits first). */
  readonly ready: Promise<void>;
  /** Resolves with the exit code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the child wrote to stderr, for failure messages. */
  stderr(): string;
}

/**
 * Runs a script of a package's `test/children` in its own Node process, in the package's
 * directory: the script bundled with the workspace sources it imports ({@link bundleChild}, built
 * once and cached), run by plain `node`, so a start costs no TypeScript compilation. `process` is
 * that node process itself: a SIGKILL kills the script.
 */
export function spawnChild(packageDir: string, script: string, config: unknown, nodeArgs: readonly string[] = []): Child {
  const child = spawn(process.execPath, [...nodeArgs, bundleChild(packageDir, script), JSON.stringify(config)], {
    cwd: packageDir,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (stdout.includes('ready\n')) resolve();
    });
    void exited.then(({ code, signal }) => reject(new Error(`child ${script} exited before ready (code ${code}, signal ${signal}): ${stderr}`)));
  });
  ready.catch(() => undefined);
  return { process: child, ready, exited, stderr: () => stderr };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
