// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * A subject safe for a header: every run of control characters (CR, LF, tab, …) becomes one space,
 * then the ends are trimmed, so no value can start a new header line.
 */
export function sanitizeSubject(subject: string): string {
  return subject.replace(CONTROL_CHARACTERS, " ").trim();
}

/**
 * The subject of a follow-up sent as a reply in the first email's thread: `Re: <first subject>`,
 * without doubling a `Re:` the subject already starts with.
 *
 * ```ts
 * threadSubject("Quick question about Harbor View") // "Re: Quick question about Harbor View"
 * threadSubject("RE: Quick question")              // "RE: Quick question"
 * ```
 */
export function threadSubject(firstSubject: string): string {
  const subject = sanitizeSubject(firstSubject);
  return /^re\s*:/i.test(subject) ? subject : `Re: ${subject}`.trimEnd();
}
