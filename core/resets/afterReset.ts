/** What happened after the password changed; the outcome card and the audit record both report it. */
export type SessionsOutcome = 'revoked' | 'not-requested' | 'failed';
export type PasswordDeliveryOutcome = 'delivered' | 'failed';
