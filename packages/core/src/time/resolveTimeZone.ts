import { isoDateToEpochDays } from './epochDays.js';
import { parseIsoDateTime } from './parseIsoDateTime.js';

// Time zones from the runtime's own IANA data, through Intl.DateTimeFormat, read the way the
// Temporal polyfill carejourney used before reads them (same identifiers accepted, same offsets,
// same transitions found), so every result stays the same without loading the polyfill.

/** A time zone: its UTC offset at any instant, and the instants a wall-clock time maps to. */
export interface TimeZone {
  /** The UTC offset in seconds at `epochSeconds`. */
  offsetAt(epochSeconds: number): number;
  /**
   * The instants (epoch seconds) at which the zone's clocks show `wallSeconds` (the wall-clock
   * date and time counted as seconds since 1970-01-01T00:00): one; two, earlier first, in a
   * fall-back overlap; none in a spring-forward gap.
   */
  instantsAt(wallSeconds: number): number[];
}

const DAY = 86_400;
/** Zone identifiers the polyfill forbids: ICU's three-letter legacy aliases (`PST`, `IST`, ...). */
const ICU_ALIAS = /^(AC|AE|AG|AR|AS|BE|BS|CA|CN|CS|CT|EA|EC|IE|IS|JS|MI|NE|NS|PL|PN|PR|PS|SS|VS)T$/;
const BAD_CHARACTERS = /[^\w/:+-]+/;
const OFFSET = /^([+-])([01]\d|2[0-3])(?:(:?)([0-5]\d)(?:\3([0-5]\d)(?:[.,](\d{1,9}))?)?)?$/;
/**
 * Zones sampled in periods shorter than the default 19 days, because they have had two
 * transitions closer together than that (the polyfill's list, kept so the same ones are found).
 */
const PERIOD_DAYS: Readonly<Record<string, number>> = Object.assign(Object.create(null) as Record<string, number>, {
  El_Aaiun: 16,
  Tucuman: 12,
  Tirane: 11,
  Riga: 10,
  Simferopol: 9,
  Vienna: 9,
  Tunis: 8,
  Boa_Vista: 6,
  Fortaleza: 6,
  Maceio: 6,
  Noronha: 6,
  Recife: 6,
  Gaza: 6,
  Hebron: 6,
  DeNoronha: 6,
});
/** Offsets are sampled only within these epoch seconds (about 1653 to the end of Date's range). */
const SAMPLE_MIN = -1e10;
const SAMPLE_MAX = 864e10;
/** The polyfill's memo size: a memo is cleared when it reaches it. */
const MEMO_LIMIT = 10_000;

const UTC: TimeZone = fixedZone(0);
const byIdentifier = new Map<string, TimeZone>();
const byName = new Map<string, TimeZone>();

/**
 * The time zone an identifier names, as Temporal resolves it: an IANA name (any letter case),
 * `UTC`, a `±HH:MM` offset, or a date-time string whose bracketed zone, `Z` or offset names one.
 * Throws a `TypeError` for a value that is not a string and a `RangeError` for an unknown zone.
 *
 * @example
 * ```ts
 * resolveTimeZone('Europe/Berlin').offsetAt(Date.parse('2026-07-01T00:00:00Z') / 1000); // 7200
 * ```
 */
export function resolveTimeZone(identifier: unknown): TimeZone {
  if (typeof identifier !== 'string') throw new TypeError(`Invalid TimeZone: ${typeof identifier === 'symbol' ? 'a symbol' : String(identifier)}`);
  let zone = byIdentifier.get(identifier);
  if (zone === undefined) {
    const parsed = parseIsoDateTime(identifier);
    zone = zoneFor((parsed && (parsed.timeZone || (parsed.utc && 'UTC') || parsed.offset)) || identifier);
    remember(byIdentifier, identifier, zone);
  }
  return zone;
}

function zoneFor(id: string): TimeZone {
  const upper = id.toUpperCase();
  const offset = OFFSET.exec(upper);
  if (offset !== null) {
    if (offset[5] !== undefined) throw new RangeError(`Cannot parse: ${upper}`);
    return fixedZone((offset[1] === '-' ? -1 : 1) * (parseInt(offset[2]!, 10) * 3600 + (offset[4] === undefined ? 0 : parseInt(offset[4], 10) * 60)));
  }
  if (upper === 'UTC') return UTC;
  // Temporal resolves an identifier, then resolves again the name it got: `pst` becomes `PST`,
  // which is then refused as an ICU alias.
  const name = normalizeName(normalizeName(id));
  let zone = byName.get(name);
  if (zone === undefined) {
    zone = namedZone(name);
    remember(byName, name, zone);
  }
  return zone;
}

function remember<K, V>(memo: Map<K, V>, key: K, value: V): void {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
}

/** An IANA name in its canonical letter case (`america/new_york` → `America/New_York`). */
function normalizeName(id: string): string {
  if (BAD_CHARACTERS.test(id)) throw new RangeError(`Invalid TimeZone: ${id}`);
  if (ICU_ALIAS.test(id)) throw new RangeError('Forbidden ICU TimeZone');
  const capitalize = (s: string) => s[0]!.toUpperCase() + s.substring(1);
  return id
    .toLowerCase()
    .split('/')
    .map((part, index) =>
      (part.length <= 3 || /\d/.test(part)) && !/etc|yap/.test(part)
        ? part.toUpperCase()
        : part.replace(/baja|dumont|[a-z]+/g, (word: string, at: number) =>
            (word.length <= 2 && !index) || word === 'in' || word === 'chat'
              ? word.toUpperCase()
              : word.length > 2 || !at
                ? capitalize(word).replace(/island|noronha|murdo|rivadavia|urville/, capitalize)
                : word,
          ),
    )
    .join('/');
}

function fixedZone(offsetSeconds: number): TimeZone {
  return { offsetAt: () => offsetSeconds, instantsAt: (wallSeconds) => [wallSeconds - offsetSeconds] };
}

/**
 * A named zone. Offsets come from Intl at the edges of fixed periods; where the two edges of a
 * period differ, the transition between them is found by bisection. Samples and bisections are
 * remembered, so a zone costs a few Intl calls per period in use.
 */
function namedZone(name: string): TimeZone {
  // Throws a RangeError for a zone the runtime does not know.
  const format = new Intl.DateTimeFormat('en-u-hc-h23', {
    calendar: 'iso8601',
    timeZone: name.toUpperCase(),
    era: 'short',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const periodSeconds = DAY * (PERIOD_DAYS[name.split('/').pop()!] || 19);
  const samples = new Map<number, number>();
  const splits = new Map<number, [number, number]>();

  const computeOffset = (epochSeconds: number): number => {
    const fields: Record<string, string> = {};
    for (const part of format.formatToParts(epochSeconds * 1000)) fields[part.type] = part.value;
    const year = fields['relatedYear'] !== undefined ? parseInt(fields['relatedYear'], 10) : eraYear(fields['year']!, fields['era']);
    const wall = DAY * isoDateToEpochDays(year, parseInt(fields['month']!, 10), parseInt(fields['day']!, 10));
    return wall + 3600 * parseInt(fields['hour']!, 10) + 60 * parseInt(fields['minute']!, 10) + parseInt(fields['second']!, 10) - epochSeconds;
  };
  const sample = (epochSeconds: number): number => {
    let offset = samples.get(epochSeconds);
    if (offset === undefined) {
      offset = computeOffset(epochSeconds);
      remember(samples, epochSeconds, offset);
    }
    return offset;
  };
  const split = (start: number, end: number): [number, number] => {
    let found = splits.get(start);
    if (found === undefined) {
      found = [start, end];
      remember(splits, start, found);
    }
    return found;
  };
  const offsetAt = (epochSeconds: number): number => {
    const periodStart = Math.floor(epochSeconds / periodSeconds) * periodSeconds;
    const start = Math.min(Math.max(periodStart, SAMPLE_MIN), SAMPLE_MAX);
    const end = Math.min(Math.max(periodStart + periodSeconds, SAMPLE_MIN), SAMPLE_MAX);
    const startOffset = sample(start);
    const endOffset = sample(end);
    if (startOffset === endOffset) return startOffset;
    // The first second with the end offset lies in [range[0], range[1]]: halve the range until
    // epochSeconds is outside it (each bisection is kept for the next call).
    const range = split(start, end);
    for (;;) {
      if (epochSeconds < range[0]) return startOffset;
      if (epochSeconds >= range[1]) return endOffset;
      const middle = range[0] + Math.floor((range[1] - range[0]) / 2);
      if (computeOffset(middle) === endOffset) range[1] = middle;
      else range[0] = middle + 1;
    }
  };
  return {
    offsetAt,
    instantsAt(wallSeconds) {
      const before = offsetAt(wallSeconds - DAY);
      const after = offsetAt(wallSeconds + DAY);
      if (before === after) return [wallSeconds - before];
      const nearBefore = offsetAt(wallSeconds - before);
      if (nearBefore === offsetAt(wallSeconds - after)) return [wallSeconds - nearBefore];
      return before > after ? [wallSeconds - before, wallSeconds - after] : [];
    },
  };
}

function eraYear(year: string, era: string | undefined): number {
  const y = parseInt(year, 10);
  if (era === undefined) return y;
  const normalized = era.normalize('NFD').toLowerCase().replace(/[^a-z0-9]/g, '');
  return normalized === 'bc' || normalized === 'b' || normalized === 'bce' ? 1 - y : y;
}
