// Helpers that build answer sets for tests.
import type { InstrumentDefinition } from '../src/index.js';

/** A complete answer set of a summed instrument adding up to `total` (items filled in order). */
export function answersFor(definition: InstrumentDefinition, total: number): Record<string, number> {
  const answers: Record<string, number> = {};
  let left = total;
  for (const item of definition.items) {
    const values = item.answers.map((a) => a.value).sort((a, b) => a - b);
    const max = values[values.length - 1] ?? 0;
    const pick = Math.min(max, left);
    if (!values.includes(pick)) throw new Error(`cannot make ${total} on ${definition.id}`);
    answers[item.linkId] = pick;
    left -= pick;
  }
  if (left !== 0) throw new Error(`${total} is beyond ${definition.id}'s maximum`);
  return answers;
}
