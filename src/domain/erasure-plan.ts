/** The deletions a data subject (or a tenant user) can ask for (DESIGN §3). */
export const ERASURE_KINDS = ['agent', 'registration', 'erasure', 'ticket'] as const;
export type ErasureKind = (typeof ERASURE_KINDS)[number];

/**
 * One step of a cascade: a set of rows reached from the subject, deleted (or, for an agent's messages, detached) in
 * batches. Steps run in the order given, children before parents, so every batch is valid on its own.
 */
export type ErasureStep =
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
    'contact_attachments',
    'contact_messages',
    'contact_tickets',
    ...REGISTRATION,
    'contact_consents',
    'contact',
  ],
  ticket: ['ticket_attachments', 'ticket_messages', 'ticket'],
};

/** The ordered steps of a cascade of this kind. */
export function erasurePlan(kind: ErasureKind): readonly ErasureStep[] {
  return PLANS[kind];
}
