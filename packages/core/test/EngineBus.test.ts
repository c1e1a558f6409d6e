import { describe, expect, it } from 'vitest';
import { EngineBus } from '../src/engine/EngineBus.js';
import type { TransitionNotice } from '../src/index.js';
import { actors } from './fixtures/visitJourney.js';
import { must, visitEngine } from './helpers.js';

describe('EngineBus.off', () => {
  it('removes one registration and keeps the other listeners in the order they were registered', () => {
    const bus = new EngineBus();
    const calls: string[] = [];
    const a = () => void calls.push('a');
    const b = () => void calls.push('b');
    const c = () => void calls.push('c');
    const d = () => void calls.push('d');
    for (const listener of [a, b, a, c, d]) bus.on('transition', listener);
    bus.off('transition', a);
    bus.emit('transition', {});
    // The latest registration of `a` went, as Node's EventEmitter does; nothing moved.
    expect(calls).toEqual(['a', 'b', 'c', 'd']);
    calls.length = 0;
    bus.off('transition', c);
    bus.emit('transition', {});
    expect(calls).toEqual(['a', 'b', 'd']);
    calls.length = 0;
    bus.off('transition', a);
    bus.off('transition', a); // no registration left: nothing happens
    bus.emit('transition', {});
    expect(calls).toEqual(['b', 'd']);
    expect(bus.has('transition')).toBe(true);
    bus.off('transition', b);
    bus.off('transition', d);
    expect(bus.has('transition')).toBe(false);
  });

  it('leaves the listeners of other names alone', () => {
    const bus = new EngineBus();
    const calls: string[] = [];
    const a = () => void calls.push('a');
    const b = () => void calls.push('b');
    bus.on('effect', a);
    bus.on('effect', b);
    bus.on('transition', a);
    bus.off('transition', a);
    bus.emit('effect', {});
    bus.emit('transition', {});
    expect(calls).toEqual(['a', 'b']);
  });

  it('keeps the order of the engine\'s listeners when one is removed through engine.off or its stop function', async () => {
    const { engine } = visitEngine();
    const calls: string[] = [];
    const listener = (name: string) => (n: TransitionNotice) => void calls.push(`${name}:${n.entry.type}`);
    const first = listener('first');
    const second = listener('second');
    const third = listener('third');
    engine.on('transition', first);
    const stopSecond = engine.on('transition', second);
    engine.on('transition', third);
    engine.on('transition', first);
    engine.off('transition', first);
    const { id } = await engine.start({ patientRef: 'pt-1', input: {}, actor: actors.coordinator });
    expect(calls).toEqual(['first:journey.start', 'second:journey.start', 'third:journey.start']);
    calls.length = 0;
    stopSecond();
    await must(engine.send(id, { type: 'consent.recorded' }, { actor: actors.physician }));
    expect(calls).toEqual(['first:consent.recorded', 'third:consent.recorded']);
  });
});
