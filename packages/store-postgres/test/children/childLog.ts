import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * An append-only JSON-lines log written with synchronous writes: a line is in the kernel before
 * the call returns, so a SIGKILL right after it cannot lose it. The parent test reads it back.
 */
export function openChildLog(path: string): { write(line: Record<string, unknown>): void; close(): void } {
  const fd = openSync(path, 'a');
  return {
    write: (line) => {
      writeSync(fd, `${JSON.stringify(line)}\n`);
    },
    close: () => closeSync(fd),
  };
}

/** Reads a child's log; a last line cut by a kill is ignored. */
export function parseChildLog(text: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // A line the kill cut short; every complete line before it counts.
    }
  }
  return lines;
}
