import type { Prospect } from "../../audience/prospect.js";
import type { ProspectFilter } from "../../audience/prospect-schema.js";

/**
 * Whether an address looks sendable: something@something.tld with no whitespace. Every store uses
 * the same rule (SQL: `email LIKE '_%@_%._%'` and no space), so previews agree across stores.
 */
export function looksLikeAddress(email: string | null): boolean {
  return email !== null && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) && email.includes("@");
}

/** The reference meaning of a prospect filter; SQL stores must select exactly the same rows. */
export function matchesFilter(prospect: Prospect, filter: ProspectFilter): boolean {
  if (filter.ids && !filter.ids.includes(prospect.id)) return false;
  if (prospect.archived !== filter.archived) return false;
  if (filter.tier && (prospect.tier === null || !filter.tier.includes(prospect.tier))) return false;
  if (filter.stage && (prospect.stage === null || !filter.stage.includes(prospect.stage))) return false;
  if (filter.source && (prospect.source === null || !filter.source.includes(prospect.source))) return false;
  if (filter.tags && filter.tags.length > 0) {
    const has = (t: string) => prospect.tags.includes(t);
    if (filter.tagsMatch === "any" ? !filter.tags.some(has) : !filter.tags.every(has)) return false;
  }
  if (filter.minScore !== undefined && prospect.score < filter.minScore) return false;
  if (filter.hasEmail === true && (prospect.email === null || prospect.email === "")) return false;
  if (filter.hasEmail === false && prospect.email !== null && prospect.email !== "") return false;
  if (filter.search) {
    const needle = filter.search.toLowerCase();
    const fullName = [prospect.firstName, prospect.lastName].filter(Boolean).join(" ");
    const haystacks = [fullName, prospect.company, prospect.email, prospect.city];
    if (!haystacks.some((h) => h?.toLowerCase().includes(needle))) return false;
  }
  return true;
}

/** Reference order of prospect listings: score descending, then email, then id. */
export function compareProspects(a: Prospect, b: Prospect): number {
  if (a.score !== b.score) return b.score - a.score;
  const ea = a.email ?? "";
  const eb = b.email ?? "";
  if (ea !== eb) return ea < eb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
