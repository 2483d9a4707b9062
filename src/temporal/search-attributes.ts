import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Operators filter accounts in the Temporal UI with these, e.g. `AccountState="suspended"`. */
export const ACCOUNT_STATE = defineSearchAttributeKey('AccountState', SearchAttributeType.KEYWORD);
export const ACCOUNT_PLAN = defineSearchAttributeKey('AccountPlan', SearchAttributeType.KEYWORD);
export const NEXT_TRANSITION_AT = defineSearchAttributeKey('NextTransitionAt', SearchAttributeType.DATETIME);

/** Name → type as the server's operator API and the CLI's `--search-attribute Name=Type` flag expect them. */
export const CUSTOM_SEARCH_ATTRIBUTES = {
  AccountState: 'Keyword',
  AccountPlan: 'Keyword',
  NextTransitionAt: 'Datetime',
} as const;
