import { ERROR_CATALOGUE, ERROR_CODES } from '../src/index.js';

/** docs/errors.md: every error code, when it happens, how it reaches the caller, what to do. */
export function errorsMarkdown(): string {
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from ERROR_CATALOGUE in packages/core/src/errors.ts by `pnpm docs:errors`. Do not edit by hand. -->',
    '',
    'Every error of carejourney is a `CareJourneyError` with a stable `code`; its message ends with the',
    'code, e.g. `No journey "j-1" in the store. [CJ_ERR_NOT_FOUND]`. Branch on `code`, never on the',
    'message. Messages name fields, rules, journeys and columns; they never quote stored or submitted',
    'values. `send` returns expected refusals as `{ ok: false, error }`; the other calls throw.',
    '',
    '| Code | When | How it reaches you |',
    '| --- | --- | --- |',
    ...ERROR_CODES.map((code) => `| [\`${code}\`](#${code.toLowerCase()}) | ${ERROR_CATALOGUE[code].when} | ${ERROR_CATALOGUE[code].how} |`),
    '',
  ];
  for (const code of ERROR_CODES) {
    const info = ERROR_CATALOGUE[code];
    lines.push(`## ${code}`, '', `**When:** ${info.when}`, '', `**How:** ${info.how}.`, '', `**What to do:** ${info.action}`, '');
  }
  return lines.join('\n');
}
