import { describeError } from './errorShape';
import type { Logger } from './logger';

/**
 * Work that goes on after a turn has been answered (a reset after its click was answered with "Resetting…").
 * Failures are logged by their shape only; `idle()` lets the server finish the work before it stops, and
 * tests wait for it.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  start(name: string, work: () => Promise<void>): void {
    const task = Promise.resolve()
      .then(work)
      .catch((error: unknown) => {
        this.logger.error({ work: name, error: describeError(error) }, 'background work failed');
      })
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /** Resolves once no work is running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
