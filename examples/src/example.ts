// Runs an example journey and prints its timeline:
//
//   pnpm example              the flagship (an IV course from referral into maintenance)
//   pnpm example <name>       another one (pnpm example --list names them)
//
// Colour on a terminal; plain text when piped or when NO_COLOR is set.
import { pathToFileURL } from 'node:url';
import { createColors } from 'picocolors';
import { DEFAULT_EXAMPLE, examples, type ExampleOutput } from './examples.js';
import { formatTimeline, useColour } from './timeline.js';

/** The example as printed lines. */
export function printExample(output: ExampleOutput, colour: boolean): string[] {
  const c = createColors(colour);
  return [
    c.bold(output.title),
    c.dim(`Times are local to the clinic (${output.timeZone}).`),
    '',
    ...formatTimeline(output.rows, { timeZone: output.timeZone, colour }),
    '',
    ...output.summary,
  ];
}

async function main(args: readonly string[]): Promise<void> {
  if (args.includes('--list')) {
    for (const [name, entry] of Object.entries(examples)) console.log(`${name.padEnd(12)} ${entry.description}`);
    return;
  }
  const names = args.filter((a) => !a.startsWith('-'));
  const name = names[0] ?? DEFAULT_EXAMPLE;
  const entry = names.length <= 1 && Object.hasOwn(examples, name) ? examples[name] : undefined;
  if (!entry) {
    console.error(`Usage: pnpm example [<name>]. Examples: ${Object.keys(examples).join(', ')}.`);
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  const output = await entry.run();
  const colour = useColour();
  for (const line of printExample(output, colour)) console.log(line);
  console.log(createColors(colour).dim(`Ran in ${Math.round(performance.now() - started)} ms.`));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
