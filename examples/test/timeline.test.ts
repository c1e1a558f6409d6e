import { describe, expect, it } from 'vitest';
import { describeEffect, formatTimeline, mergeTimelines, shortState, summarizeEvent, useColour, type TimelineRow } from '../src/timeline.js';

const row = (over: Partial<TimelineRow>): TimelineRow => ({
  kind: 'event',
  journeyId: 'j-1',
  patientRef: 'pt-1',
  atMs: Date.parse('2026-03-29T00:30:00Z'),
  seq: 1,
  actor: 'nurse rn-1',
  event: 'dose.recorded 34 mg',
  state: 'induction › session › dosed › monitoring',
  details: [],
  ...over,
});

describe('example timeline', () => {
  it('shortens state labels and drops the default therapy region', () => {
    expect(shortState('care.clinical.treatment.course.induction.session.dosed.monitoring|care.therapy.active')).toBe(
      'induction › session › dosed › monitoring · therapy: active',
    );
    expect(shortState('care.clinical.treatment.onHold|care.therapy.lapsed')).toBe('onHold · therapy: lapsed');
    expect(shortState('care.clinical.intake.screening|care.therapy.notLinked')).toBe('intake › screening');
    expect(shortState('completed')).toBe('completed');
  });

  it('prints local times in the clinic zone, across a daylight-saving change', () => {
    // 00:30 UTC on 29 March 2026 is 01:30 in Berlin (winter time); 02:30 UTC is 04:30 (summer time).
    const rows = [row({}), row({ seq: 2, atMs: Date.parse('2026-03-29T02:30:00Z'), event: 'session.discharged', state: 'induction › waiting' })];
    expect(formatTimeline(rows, { timeZone: 'Europe/Berlin' })).toEqual([
      '2026-03-29 Sun 01:30  nurse rn-1  dose.recorded 34 mg  → induction › session › dosed › monitoring',
      '2026-03-29 Sun 04:30  nurse rn-1  session.discharged   → induction › waiting',
    ]);
    expect(formatTimeline(rows, { timeZone: 'America/New_York' })[0]).toMatch(/^2026-03-28 Sat 20:30 /);
  });

  it('puts alerts, effects and reminders under their row, a blank line between days', () => {
    const rows = [
      row({ details: [{ tone: 'safety', text: 'SAFETY ALERT stop-rule' }, { tone: 'info', text: 'BP check due' }] }),
      row({ kind: 'reminder', seq: null, atMs: Date.parse('2026-03-30T08:00:00Z'), actor: 'reminders → patient', event: '✉ session.upcoming', state: 'by sms', details: [] }),
    ];
    const lines = formatTimeline(rows, { timeZone: 'UTC' });
    expect(lines).toEqual([
      '2026-03-29 Sun 00:30  nurse rn-1           dose.recorded 34 mg  → induction › session › dosed › monitoring',
      '                                           ⚠ SAFETY ALERT stop-rule',
      '                                           ↳ BP check due',
      '',
      '2026-03-30 Mon 08:00  reminders → patient  ✉ session.upcoming   by sms',
    ]);
  });

  it('colours only when asked, and asks only on a terminal without NO_COLOR', () => {
    const rows = [row({ details: [{ tone: 'care', text: 'care alert' }] })];
    const plain = formatTimeline(rows, { timeZone: 'UTC', colour: false }).join('\n');
    const coloured = formatTimeline(rows, { timeZone: 'UTC', colour: true }).join('\n');
    expect(plain).not.toContain('\u001b[');
    expect(coloured).toContain('\u001b[');
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
    expect(useColour({ isTTY: true }, {})).toBe(true);
    expect(useColour({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(useColour({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(useColour({ isTTY: false }, {})).toBe(false);
    expect(useColour({}, {})).toBe(false);
  });

  it('adds patient and process columns when rows come from several journeys and processes', () => {
    const merged = mergeTimelines(
      [row({ by: 'app', seq: 1 }), row({ by: 'app', seq: 3, atMs: Date.parse('2026-03-29T00:45:00Z') })],
      [row({ by: 'worker A', seq: 2, atMs: Date.parse('2026-03-29T00:40:00Z'), kind: 'timer', actor: 'system carejourney', event: '⏱ monitoring.bpCheckDue' })],
      [row({ by: 'worker B', journeyId: 'j-2', patientRef: 'pt-2', seq: 5 })],
    );
    expect(merged.map((r) => [r.journeyId, r.seq])).toEqual([
      ['j-1', 1],
      ['j-2', 5],
      ['j-1', 2],
      ['j-1', 3],
    ]);
    expect(formatTimeline(merged, { timeZone: 'UTC' })[1]).toBe(
      '2026-03-29 Sun 00:30  worker B  pt-2  nurse rn-1          dose.recorded 34 mg      → induction › session › dosed › monitoring',
    );
  });

  it('says what an effect asks for and summarizes readings, doses and decisions', () => {
    expect(describeEffect({ type: 'safety.alert', payload: { kind: 'hold', reason: 'Treatment on hold', sessionNumber: 2 } }, 'UTC')).toEqual({
      tone: 'safety',
      text: 'SAFETY ALERT hold (session 2): Treatment on hold',
    });
    expect(describeEffect({ type: 'care.alert', payload: { kind: 'missed-session', sessionNumber: 4, needsClinicianReview: true } }, 'UTC').text).toBe(
      'care alert missed-session (session 4): missed; a physician reviews the schedule',
    );
    expect(describeEffect({ type: 'rems.formDue', payload: { sessionNumber: 3, dueAt: '2026-11-02T14:00:00.000Z' } }, 'America/New_York').text).toBe(
      'REMS monitoring form (session 3) due 2026-11-02 09:00',
    );
    expect(summarizeEvent('monitoring.vitalsRecorded', { systolic: 134, diastolic: 84, takenAt: '2026-02-16T09:45:00Z' }, 'Europe/Berlin')).toBe('134/84 (taken 10:45)');
    expect(summarizeEvent('dose.recorded', { amountMg: 84, devices: 3 })).toBe('84 mg (3 devices)');
    expect(summarizeEvent('response.decided', { decision: 'maintenance', everyDays: 14, reason: 'free text is never shown' })).toBe('maintenance, every 14 days');
    expect(summarizeEvent('consent.recorded', { formVersion: 'X' })).toBe('');
  });
});
