// Runs many walks without stopping at the first violation and prints, per invariant and message
// shape, how often it was seen and the shortest walk that shows it. Not a test: a tool for the
// safety report. Usage: pnpm tsx packages/core/test/safety/collect.ts [walksPerRoute] [seed]
import { ROUTES } from './model.js';
import { SeededRand } from './rand.js';
import { walk } from './walk.js';

const perRoute = Number(process.argv[2] ?? 40);
const seed = Number(process.argv[3] ?? 1);
const shape = (m: string) => m.replace(/#\d+/g, '#n').replace(/\d+(\.\d+)?/g, 'N').replace(/"[^"]*"/g, '"…"');

const found = new Map<string, { count: number; routes: Set<string>; shortest: string[]; message: string }>();
const states = new Map<string, number>();
for (const route of ROUTES) {
  for (let i = 0; i < perRoute; i++) {
    const w = await walk(new SeededRand(seed * 100_003 + i * 7 + route.length), { route, mode: 'collect' });
    for (const e of w.journal) states.set(e.to.split('|')[0]!, (states.get(e.to.split('|')[0]!) ?? 0) + 1);
    const cut = new Set<string>();
    for (const v of w.violations) {
      const key = `${v.inv} ${shape(v.message)}`;
      if (cut.has(key)) continue;
      cut.add(key);
      const prev = found.get(key);
      const log = w.log.slice(0, v.step);
      if (!prev) found.set(key, { count: 1, routes: new Set([route]), shortest: log, message: v.message });
      else {
        prev.count++;
        prev.routes.add(route);
        if (log.length < prev.shortest.length) {
          prev.shortest = log;
          prev.message = v.message;
        }
      }
    }
  }
}
const sorted = [...found.entries()].sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true }));
for (const [key, f] of sorted) {
  console.log(`\n=== ${key}\n    seen in ${f.count} walks (${[...f.routes].join(', ')}); e.g. ${f.message}`);
  if (process.env['SHOW_LOGS']) console.log(f.shortest.map((l) => `    ${l}`).join('\n'));
}
console.log('\nstates reached (clinical region):');
for (const [s, n] of [...states.entries()].sort()) console.log(`  ${n}\t${s}`);
