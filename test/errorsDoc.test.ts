import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CareJourneyError, ERROR_CATALOGUE, ERROR_CODES } from '@carejourney/core';
import { errorsMarkdown } from '../packages/core/scripts/errorsMarkdown.js';

describe('docs/errors.md', () => {
  it('is current: regenerate it with `pnpm docs:errors` after changing the error catalogue', () => {
    const committed = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
    expect(committed === errorsMarkdown(), 'docs/errors.md is out of date: run `pnpm docs:errors`').toBe(true);
  });

  it('documents every code: when it happens, how it reaches the caller and what to do', () => {
    const page = errorsMarkdown();
    for (const code of ERROR_CODES) {
      expect(page).toContain(`## ${code}`);
      const info = ERROR_CATALOGUE[code];
      for (const text of [info.when, info.how, info.action]) expect(text.length).toBeGreaterThan(5);
    }
  });

  it('every error message ends with its code, once', () => {
    for (const code of ERROR_CODES) {
      const error = new CareJourneyError(code, 'Something happened.');
      expect(error.message).toBe(`Something happened. [${code}]`);
      expect(new CareJourneyError(code, error.message).message).toBe(error.message);
    }
  });
});
