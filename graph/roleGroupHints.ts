/** How long a principal's groups are remembered as a guess: memberships change seldom. */
const HINT_LIFETIME_MS = 60 * 60 * 1000;
/** Agents and the users they reset: a busy helpdesk's working set, not the directory. */
const MAX_PRINCIPALS = 5_000;

/**
 * The role-assignable groups each user was a member of when last read: a guess that lets the roles those
 * groups lend be asked for together with the user's own, in the same round trip as the membership read,
 * instead of after it. Only a guess: the membership is read afresh every time, rows of a group the user is no
 * longer in are dropped, and a group not guessed has its roles read after the membership as before. So a stale
 * guess costs a round trip, never a wrong answer.
 */
export class RoleGroupHints {
  private readonly hints = new Map<string, { groupIds: string[]; until: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  groupsOf(userId: string): string[] {
    const key = userId.toLowerCase();
    const hint = this.hints.get(key);
    if (!hint) return [];
    if (this.now() < hint.until) return hint.groupIds;
    this.hints.delete(key);
    return [];
  }

  remember(userId: string, groupIds: string[]): void {
    const key = userId.toLowerCase();
    this.hints.delete(key);
    if (groupIds.length === 0) return;
    if (this.hints.size >= MAX_PRINCIPALS) {
      const oldest = this.hints.keys().next();
      if (!oldest.done) this.hints.delete(oldest.value);
    }
    this.hints.set(key, {
      groupIds: groupIds.map((id) => id.toLowerCase()),
      until: this.now() + HINT_LIFETIME_MS,
    });
  }
}
