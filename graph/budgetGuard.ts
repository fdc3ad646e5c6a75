import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { budgetOf } from './requestBudget';
import { mayHaveBeenSent, notSent } from './requestTimeout';

/**
 * Holds the whole of a Graph request to its budget, the bot's Entra token included. It heads the middleware
 * chain: the SDK's authentication handler asks `@azure/identity` for a token before the request's own
 * deadline applies (`RequestTimeoutHandler` sits just before the HTTP call), and a token endpoint that hangs
 * or keeps answering 503 would otherwise keep a click waiting long past its budget. When the budget runs out
 * before the request was handed to the HTTP handler, it fails as not sent: nothing can have been applied.
 * Once handed over, the request's own deadline (which includes the budget) ends it.
 */
export class RequestBudgetGuard implements Middleware {
  private next: Middleware | undefined;

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('RequestBudgetGuard must not be the last middleware');
    const budget = budgetOf(context);
    if (!budget) return this.next.execute(context);
    const { signal } = budget;
    let onAbort: (() => void) | undefined;
    const expired = new Promise<never>((_resolve, reject) => {
      onAbort = () => {
        if (!mayHaveBeenSent(context)) reject(notSent('the time was up before it could be sent'));
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([this.next.execute(context), expired]);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
