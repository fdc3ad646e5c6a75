import type { Domain } from '../core/directory';

/** How long a domain's answer is reused. Federation changes are rare, planned, and take effect at Entra anyway. */
const DOMAIN_ANSWER_LIFETIME_MS = 5 * 60 * 1000;
/** A tenant has a handful of verified domains; anything past this many names is not worth remembering. */
const MAX_DOMAINS = 500;

/**
 * What Graph said about a domain name (its authentication type, or that it is not a verified domain of the
 * tenant), kept for a few minutes for every turn of the process. A cached answer can never let a reset
 * through that Entra would refuse: the bot reads the domain only to explain a federated user's refusal early,
 * and Entra itself refuses to change the password of a user on a federated domain (core/policy/resetPolicy.ts,
 * `checkManagedDomain`). So a stale "managed" fails at Graph with an answer, never silently.
 */
export class DomainCache {
  private readonly answers = new Map<string, { domain: Domain | null; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  get(name: string): { domain: Domain | null } | undefined {
    const key = name.toLowerCase();
    const held = this.answers.get(key);
    if (!held) return undefined;
    if (this.now() < held.until) return { domain: held.domain };
    this.answers.delete(key);
    return undefined;
  }

  set(name: string, domain: Domain | null): void {
    const key = name.toLowerCase();
    this.answers.delete(key);
    if (this.answers.size >= MAX_DOMAINS) {
      const oldest = this.answers.keys().next();
      if (!oldest.done) this.answers.delete(oldest.value);
    }
    this.answers.set(key, { domain, until: this.now() + DOMAIN_ANSWER_LIFETIME_MS });
  }
}
