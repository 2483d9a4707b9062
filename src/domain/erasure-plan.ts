/** The deletions a data subject (or a tenant user) can ask for (DESIGN §3). */
export const ERASURE_KINDS = ['agent', 'registration', 'erasure', 'ticket'] as const;
export type ErasureKind = (typeof ERASURE_KINDS)[number];

/**
 * One step of a cascade: a set of rows reached from the subject, deleted (or, for an agent's messages, detached) in
 * batches. Steps run in the order given, children before parents, so every batch is valid on its own.
 */
export type ErasureStep =
  | 'contact_pending_signups'
  | 'contact_pending_mail'
  | 'alias_attachments'
  | 'alias_messages'
  | 'alias_tickets'
  | 'alias_consents'
  | 'alias_contacts'
  | 'contact_attachments'
  | 'contact_messages'
  | 'contact_tickets'
  | 'contact_consents'
  | 'contact_saved_searches'
  | 'contact_oauth_tokens'
  | 'contact_portal_sessions'
  | 'contact_identities'
  | 'contact'
  | 'ticket_attachments'
  | 'ticket_messages'
  | 'ticket'
  | 'agent_messages_detached'
  | 'agent_sessions'
  | 'agent_api_tokens'
  | 'agent_recovery_codes'
  | 'agent_saved_searches'
  | 'agent';

const REGISTRATION: ErasureStep[] = [
  // Sign-ups still waiting for their code and unsent mails to the person's address.
  'contact_pending_signups',
  'contact_pending_mail',
  'contact_saved_searches',
  'contact_oauth_tokens',
  'contact_portal_sessions',
  'contact_identities',
];

const PLANS: Record<ErasureKind, readonly ErasureStep[]> = {
  // Tickets and messages stay, attributed to "deleted agent".
  agent: [
    'agent_messages_detached',
    'agent_sessions',
    'agent_api_tokens',
    'agent_recovery_codes',
    'agent_saved_searches',
    'agent',
  ],
  // The person's identity goes; their tickets and messages stay, detached (contact and author become null).
  registration: [...REGISTRATION, 'contact_consents', 'contact'],
  // Everything of the person: their tickets with every message and attachment, consents, then the identity.
  erasure: [
    // What anyone typed under the person's address in the public chat form (unverified contacts) goes with them.
    'alias_attachments',
    'alias_messages',
    'alias_tickets',
    'alias_consents',
    'alias_contacts',
    'contact_attachments',
    'contact_messages',
    'contact_tickets',
    ...REGISTRATION,
    'contact_consents',
    'contact',
  ],
  ticket: ['ticket_attachments', 'ticket_messages', 'ticket'],
};

/**
 * Steps added with verified portal sign-ups and unverified chat contacts (issue 9). A cascade started by older
 * workflow code replays without them (the workflow asks `patched()`), since its history has no such activities.
 */
const ADDED_FOR_UNVERIFIED_CONTACTS: ReadonlySet<ErasureStep> = new Set([
  'contact_pending_signups',
  'contact_pending_mail',
  'alias_attachments',
  'alias_messages',
  'alias_tickets',
  'alias_consents',
  'alias_contacts',
]);

/** The ordered steps of a cascade of this kind; `legacy` gives the plan of workflows started before issue 9. */
export function erasurePlan(kind: ErasureKind, options: { legacy?: boolean } = {}): readonly ErasureStep[] {
  const plan = PLANS[kind];
  return options.legacy === true ? plan.filter((step) => !ADDED_FOR_UNVERIFIED_CONTACTS.has(step)) : plan;
}
