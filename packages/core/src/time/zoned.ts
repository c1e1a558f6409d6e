import { Temporal } from 'temporal-polyfill';

// The one place carejourney turns instants into wall-clock times and back. Everything in a clinic's
// or a patient's time zone goes through Temporal, so daylight-saving rules come from the IANA data
// and a wall-clock time skipped by a spring-forward moves forward by the gap in every zone.

/** A ZonedDateTime for an epoch-ms instant in a zone. */
export function zoned(instant: number, timeZone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(timeZone);
}

export { Temporal };
