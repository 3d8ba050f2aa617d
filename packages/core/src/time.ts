import * as t from 'io-ts';

/**
 * Time arrives on commands as ISO-8601 strings (`2026-11-28T13:30:00Z`, `…T13:30:00.123+01:00`).
 * The core reads no clock, so it also computes with time without `Date`: `toEpochMs` is plain arithmetic.
 */
export interface IsoTimeBrand {
  readonly IsoTime: unique symbol;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Days from 1970-01-01 to the given civil date (Howard Hinnant's days_from_civil). */
const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
};

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

const parse = (s: string): number | undefined => {
  const m = ISO.exec(s);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  const zone = m[8] ?? 'Z';
  const offsetMinutes = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute - offsetMinutes) * 60_000 + second * 1000 + ms;
};

export const IsoTime = new t.Type<t.Branded<string, IsoTimeBrand>, string, unknown>(
  'IsoTime',
  (u): u is t.Branded<string, IsoTimeBrand> => typeof u === 'string' && parse(u) !== undefined,
  (u, c) =>
    typeof u === 'string' && parse(u) !== undefined
      ? t.success(u as t.Branded<string, IsoTimeBrand>)
      : t.failure(u, c, 'expected an ISO-8601 date-time such as 2026-11-28T13:30:00Z'),
  (a) => a,
);
export type IsoTime = t.TypeOf<typeof IsoTime>;

/** For trusted input (tests, configuration already validated): throws on a malformed time, a programmer bug. */
export const isoTime = (s: string): IsoTime => {
  if (!IsoTime.is(s)) throw new TypeError(`not an ISO-8601 date-time: ${s}`);
  return s;
};

/** Milliseconds since the Unix epoch. */
export const toEpochMs = (time: IsoTime): number => parse(time) as number;

/** `later - earlier` in milliseconds (negative when `later` is earlier). */
export const msBetween = (earlier: IsoTime, later: IsoTime): number => toEpochMs(later) - toEpochMs(earlier);
