/** Lethe's own people: support answers owners' requests, operators also see the admin views. */
export type StaffRole = 'operator' | 'support';

export interface StaffMember {
  /** Who acted, in the audit trail: `[a-z0-9._-]{1,40}`; `operator` for an entry without a name. */
  readonly name: string;
  readonly role: StaffRole;
  readonly token: string;
  /** False for a bare token (the old form): it works, as the staff member `operator`, with a start-up warning. */
  readonly named: boolean;
}

export const STAFF_NAME = /^[a-z0-9._-]{1,40}$/;
const MIN_TOKEN_LENGTH = 32;

/**
 * Reads `OPERATOR_TOKENS` / `SUPPORT_TOKENS`: comma-separated `name:token` entries (spaces and empty entries
 * ignored). An entry whose part before the first `:` is not a valid name is a bare token. Never echoes a token in a
 * problem.
 */
export function parseStaffTokens(
  variable: string,
  text: string | undefined,
  role: StaffRole,
): { staff: StaffMember[]; problems: string[] } {
  const staff: StaffMember[] = [];
  const problems: string[] = [];
  const entries = (text ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  for (const [i, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const name = colon > 0 ? entry.slice(0, colon) : '';
    const member = STAFF_NAME.test(name)
      ? { name, role, token: entry.slice(colon + 1), named: true }
      : { name: 'operator', role, token: entry, named: false };
    if (member.token.length < MIN_TOKEN_LENGTH) {
      problems.push(`${variable} entry ${i + 1}: the token must be at least ${MIN_TOKEN_LENGTH} characters`);
      continue;
    }
    staff.push(member);
  }
  return { staff, problems };
}

/** Every staff member of both variables; a token given twice (to two people or two roles) is refused. */
export function mergeStaff(...lists: StaffMember[][]): { staff: StaffMember[]; problems: string[] } {
  const staff = lists.flat();
  const tokens = new Set<string>();
  const problems: string[] = [];
  for (const member of staff) {
    if (tokens.has(member.token)) problems.push(`OPERATOR_TOKENS/SUPPORT_TOKENS: a token is given twice`);
    tokens.add(member.token);
  }
  return { staff, problems: [...new Set(problems)] };
}
