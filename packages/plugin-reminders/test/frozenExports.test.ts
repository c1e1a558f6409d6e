// What @carejourney/plugin-reminders exports as data is frozen all through: the plugin reads it while it runs, so
// changing it in place would change what the plugin does.
import { describe, expect, it } from 'vitest';
import * as plugin from '../src/index.js';
import { exportedData, unfrozenPart } from '../../core/test/fixtures/unfrozenPart.js';

describe('@carejourney/plugin-reminders exported data', () => {
  const data = exportedData(plugin);

  it('is there to check', () => {
    expect(data.length).toBeGreaterThan(0);
    expect(data.map(([name]) => name)).toContain('SAFETY_CRITICAL_KINDS');
    expect(data.map(([name]) => name)).toContain('PATIENT_REMINDER_KINDS');
    expect(data.map(([name]) => name)).toContain('DEFAULT_RULE_IDS');
  });

  it.each(data)('%s is frozen all through', (name, value) => {
    expect(unfrozenPart(value, name)).toBeUndefined();
  });
});
