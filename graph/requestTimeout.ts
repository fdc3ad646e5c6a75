import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { budgetOf } from './requestBudget';

/**
 * Gives every attempt of a Graph request its own deadline. Without one, a connection that hangs would keep
 * the requester's card spinning until Teams gives up, with no word on whether the password changed. Sits after
 * the SDK's retry handler, so each retry gets a fresh deadline; an expired one surfaces as a failure
 * without HTTP status, which the bot reports as "Graph unreachable" (and, for the reset itself, "outcome
 * unknown"). A request that carries a budget (`requestBudget.ts`) also stops when the budget runs out, and
 * no attempt outlives it.
 */
export class RequestTimeoutHandler implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly timeoutMs: number) {}

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('RequestTimeoutHandler must not be the last middleware');
    const budget = budgetOf(context);
    if (!budget) {
      context.options = { ...context.options, signal: AbortSignal.timeout(this.timeoutMs) };
    } else {
      const left = Math.max(0, budget.deadline - Date.now());
      const attempt = AbortSignal.timeout(Math.min(this.timeoutMs, left));
      context.options = { ...context.options, signal: AbortSignal.any([budget.signal, attempt]) };
    }
    await this.next.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
