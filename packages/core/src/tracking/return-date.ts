const MONTHS: [number, string[]][] = [
  [1, ["january", "jan", "januar", "jänner", "janvier", "janv", "enero", "ene"]],
  [2, ["february", "feb", "februar", "février", "fevrier", "févr", "fevr", "febrero"]],
  [3, ["march", "mar", "märz", "maerz", "mär", "mars", "marzo"]],
  [4, ["april", "apr", "avril", "avr", "abril", "abr"]],
  [5, ["may", "mai", "mayo"]],
  [6, ["june", "jun", "juni", "juin", "junio"]],
  [7, ["july", "jul", "juli", "juillet", "juil", "julio"]],
  [8, ["august", "aug", "août", "aout", "agosto", "ago"]],
  [9, ["september", "sept", "sep", "septembre", "septiembre", "setiembre"]],
  [10, ["october", "oct", "oktober", "okt", "octobre", "octubre"]],
  [11, ["november", "nov", "novembre", "noviembre"]],
  [12, ["december", "dec", "dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic"]],
];
const MONTH_BY_NAME = new Map(MONTHS.flatMap(([n, names]) => names.map((name) => [name, n] as const)));
const MONTH = `(${[...MONTH_BY_NAME.keys()].sort((a, b) => b.length - a.length).join("|")})`;

/** A keyword that announces the return day, or the last day away (`until`), and its language. */
interface Keyword {
  pattern: RegExp;
  until: boolean;
  english: boolean;
}

const KEYWORDS: Keyword[] = [
  { pattern: /\b(?:back|return(?:ing|s)?|in the office)\b/g, until: false, english: true },
  { pattern: /\b(?:until|till|through|thru)\b/g, until: true, english: true },
  {
    pattern: /(?<![a-zäöü])(?:zurück|wieder im büro|wieder erreichbar|wieder da|ab dem|ab)(?![a-zäöü])/g,
    until: false,
    english: false,
  },
  { pattern: /\bbis(?: zum| einschließlich| einschl\.)?(?![a-zäöü])/g, until: true, english: false },
  {
    pattern: /(?<![a-zà-ÿ])(?:de retour|retour|je rentre|rentrerai)(?![a-zàâçéèêëîïôûù])/g,
    until: false,
    english: false,
  },
  { pattern: /(?<![a-z])(?:jusqu['’]au|jusqu['’]à)/g, until: true, english: false },
  {
    pattern:
      /(?<![a-záéíóúñ])(?:regreso|regresaré|regresare|vuelvo|volveré|volvere|de vuelta|a partir del)(?![a-záéíóúñ])/g,
    until: false,
    english: false,
  },
  { pattern: /\bhasta(?: el)?(?![a-záéíóúñ])/g, until: true, english: false },
];

/** How far past the end of a keyword its date may start, in characters. */
const KEYWORD_REACH = 40;
/** Only the start of the message is read: the announcement is there, quoted history is not. */
const MAX_TEXT = 4000;

interface Candidate {
  at: number;
  year: number | null;
  month: number;
  day: number;
  /** Set for numeric dates like 12/02 whose order depends on the language. */
  ambiguous?: [number, number];
}

/**
 * The day an out-of-office reply says its sender is back, read from its text, as UTC midnight of
 * that day; null when no date can be read. Understands ISO dates, numeric dates (`12/02/2026`:
 * month first after English words, day first otherwise; `2.12.2026` day first) and month names in
 * English, German, French and Spanish. A date after "until"/"bis"/"jusqu'au"/"hasta" is the last
 * day away, so the day after it is returned. A date without a year is placed in the year after
 * `reference` when it would otherwise lie over 30 days before it; any date more than 30 days
 * before or 366 days after `reference` is ignored. Without a reference only dates with a year are
 * read.
 */
export function findReturnDate(text: string, reference: Date | null): Date | null {
  const normalized = text.slice(0, MAX_TEXT).toLowerCase().replace(/\s+/g, " ");
  const candidates = findDates(normalized);
  if (candidates.length === 0) return null;
  const hits: { end: number; keyword: Keyword }[] = [];
  for (const keyword of KEYWORDS) {
    for (const match of normalized.matchAll(keyword.pattern)) {
      hits.push({ end: match.index + match[0].length, keyword });
    }
  }
  hits.sort((a, b) => a.end - b.end);
  const english = hits.length === 0 || hits.some((h) => h.keyword.english);
  for (const hit of hits) {
    const candidate = candidates.find((c) => c.at >= hit.end && c.at <= hit.end + KEYWORD_REACH);
    const date = candidate && resolve(candidate, hit.keyword.english, reference);
    if (date) return hit.keyword.until ? addDays(date, 1) : date;
  }
  const dates = candidates.map((c) => resolve(c, english, reference)).filter((d): d is Date => d !== null);
  return dates.length ? new Date(Math.max(...dates.map((d) => d.getTime()))) : null;
}

function findDates(text: string): Candidate[] {
  const found: Candidate[] = [];
  const add = (at: number, c: Omit<Candidate, "at">) => {
    if (!found.some((f) => Math.abs(f.at - at) < 3)) found.push({ at, ...c });
  };
  for (const m of text.matchAll(/\b(\d{4})-(\d{1,2})-(\d{1,2})\b/g)) {
    add(m.index, { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) });
  }
  for (const m of text.matchAll(/\b(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})?(?!\d)/g)) {
    add(m.index, { year: year(m[3]), month: Number(m[2]), day: Number(m[1]) });
  }
  for (const m of text.matchAll(/\b(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})\b/g)) {
    add(m.index, { year: year(m[3]), month: 0, day: 0, ambiguous: [Number(m[1]), Number(m[2])] });
  }
  const ordinal = "(?:st|nd|rd|th|er|º|\\.)?";
  const monthDay = new RegExp(`(?<![a-zà-ÿ])${MONTH}\\.? (\\d{1,2})${ordinal}(?![\\d])(?:,? (\\d{4}))?`, "g");
  for (const m of text.matchAll(monthDay)) {
    add(m.index, { year: year(m[3]), month: MONTH_BY_NAME.get(m[1]!)!, day: Number(m[2]) });
  }
  const dayMonth = new RegExp(
    `\\b(\\d{1,2})${ordinal} (?:de )?${MONTH}(?![a-zà-ÿ])\\.?(?:,? (?:de )?(\\d{4}))?`,
    "g",
  );
  for (const m of text.matchAll(dayMonth)) {
    add(m.index, { year: year(m[3]), month: MONTH_BY_NAME.get(m[2]!)!, day: Number(m[1]) });
  }
  return found.sort((a, b) => a.at - b.at);
}

function year(text: string | undefined): number | null {
  if (!text) return null;
  const value = Number(text);
  return text.length === 2 ? 2000 + value : value;
}

function resolve(candidate: Candidate, monthFirst: boolean, reference: Date | null): Date | null {
  let { month, day } = candidate;
  if (candidate.ambiguous) {
    const [a, b] = candidate.ambiguous;
    [month, day] = a > 12 ? [b, a] : b > 12 ? [a, b] : monthFirst ? [a, b] : [b, a];
  }
  if (candidate.year === null) {
    if (!reference) return null;
    const sameYear = utcDay(reference.getUTCFullYear(), month, day);
    if (!sameYear) return null;
    const date =
      sameYear < addDays(reference, -30) ? utcDay(reference.getUTCFullYear() + 1, month, day) : sameYear;
    return date && inWindow(date, reference) ? date : null;
  }
  const date = utcDay(candidate.year, month, day);
  if (!date) return null;
  return reference ? (inWindow(date, reference) ? date : null) : date;
}

function utcDay(year: number, month: number, day: number): Date | null {
  if (year < 2000 || year > 2099 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 ? date : null;
}

function inWindow(date: Date, reference: Date): boolean {
  return date >= addDays(reference, -30) && date <= addDays(reference, 366);
}

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}
