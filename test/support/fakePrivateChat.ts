import type { PendingReset } from '../../core/pendingActions';
import type { PasswordDeliveryOutcome, PrivateChat, PrivateChatStatus } from '../../core/resets';

/** A requester's private chat in memory: reachable and delivering unless a test says otherwise. */
export class FakePrivateChat implements PrivateChat {
  status: PrivateChatStatus = { reachable: true };
  delivery: PasswordDeliveryOutcome = 'delivered';
  opened = 0;
  /** Every password handed over, whether or not its delivery succeeded. */
  readonly handed: Array<{ password: string; targetId: string; requireMfa: boolean }> = [];

  open(): Promise<PrivateChatStatus> {
    this.opened++;
    return Promise.resolve(this.status);
  }

  sendTemporaryPassword(
    password: string,
    pending: PendingReset,
    requireMfa: boolean,
  ): Promise<PasswordDeliveryOutcome> {
    this.handed.push({ password, targetId: pending.targetId, requireMfa });
    return Promise.resolve(this.delivery);
  }
}
