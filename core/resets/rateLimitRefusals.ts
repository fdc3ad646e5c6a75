import type { AuditEvent } from '../audit';
import type { Refusal } from '../policy/types';
import type { RateLimitHit, RateLimitVerdict } from '../rateLimits';

const MINUTE_MS = 60 * 1000;

/** What the agent reads when a reset limit stops them: what happened, when they can try again, who can help. */
export function rateLimitRefusal(verdict: Exclude<RateLimitVerdict, { allowed: true }>, now: Date): Refusal {
  if ('contended' in verdict) {
    return {
      rule: 'rate-limited',
      reason:
        'Many resets were being confirmed at the same moment, so I could not count this one against the reset ' +
        'limits and did not reset anything.',
      nextStep: 'Ask again in a minute.',
    };
  }
  const { hit } = verdict;
  const wait = waitText(hit, now);
  if (hit.limit === 'per-agent') {
    return {
      rule: 'rate-limited',
      reason:
        `You have reached the limit of ${hit.max} password ${plural(hit.max, 'reset')} per hour through this ` +
        `bot, so I did not reset anything. You can reset again ${wait}.`,
      nextStep:
        'If this is urgent, reset the password in the Microsoft Entra admin center, or ask the team that runs ' +
        'this bot whether the limit fits your work.',
    };
  }
  return {
    rule: 'rate-limited',
    reason:
      `This user's password has already been reset ${hit.max} ${plural(hit.max, 'time')} through this bot in ` +
      `the last 24 hours, the most allowed, so I did not reset anything. It can be reset here again ${wait}.`,
    nextStep:
      'Repeated resets can be a sign that someone is targeting this account: check with the user through a ' +
      'channel you trust, and involve your security team before resetting it in the Microsoft Entra admin center.',
  };
}

/** The audit record's account of the limit, for the security team. */
export function rateLimitAudit(verdict: Exclude<RateLimitVerdict, { allowed: true }>): Partial<AuditEvent> {
  if ('contended' in verdict) return { reason: 'rate-limit-contended' };
  return { reason: 'rate-limited', rateLimit: auditOf(verdict.hit) };
}

function auditOf(hit: RateLimitHit): NonNullable<AuditEvent['rateLimit']> {
  return {
    limit: hit.limit,
    max: hit.max,
    windowMinutes: hit.windowMs / MINUTE_MS,
    retryAt: hit.retryAt.toISOString(),
  };
}

/** "in about 25 minutes", "in about 3 hours": relative, so that no time zone is guessed. */
function waitText(hit: RateLimitHit, now: Date): string {
  const minutes = Math.max(1, Math.ceil((hit.retryAt.getTime() - now.getTime()) / MINUTE_MS));
  if (minutes < 90) return `in about ${minutes} ${plural(minutes, 'minute')}`;
  const hours = Math.ceil(minutes / 60);
  return `in about ${hours} hours`;
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}
