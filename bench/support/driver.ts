import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TeamsChannel, TeamsAgent } from './channel';
import { type BenchConnector, type ConnectorCall, type Json, now } from './connector';
import type { DirectoryPerson } from './tenant';

/** How long any one step may take before the conversation counts as failed. */
const STEP_TIMEOUT_MS = 30_000;

/** When each step of one complete reset conversation happened (epoch milliseconds) and how many turns it took. */
export interface ResetConversation {
  messageSent: number;
  /** The confirmation card reached Teams (the connector answered the bot's post). */
  cardShown: number;
  clickSent: number;
  /** The bot answered the click's invoke (with its "Resetting…" card). */
  clickAnswered: number;
  /** The temporary password reached the agent's 1:1 chat. */
  passwordShown: number;
  /** The confirmation card was replaced by the outcome. */
  cardUpdated: number;
  /** Turns the bot took: the message, the click, and any refresh Teams would have run. */
  turns: number;
  /** The temporary password card, for a check that proves it (kept in memory only, never printed or written). */
  passwordCard: Json;
}

export interface OpenedCard {
  messageSent: number;
  cardShown: number;
  turns: number;
}

/**
 * Plays conversations as Teams would: an agent types in their 1:1 chat, the bot's answers arrive at the
 * connector, the agent clicks the card's button, and so on, over HTTP, each step waiting for what Teams would
 * show before the next. A step that does not show what a successful reset shows fails the conversation.
 */
export class Driver {
  constructor(
    readonly channel: TeamsChannel,
    readonly connector: BenchConnector,
  ) {}

  /** A Teams user with their own 1:1 chat, acting as `person` (several may share one directory account). */
  agent(role: string, index: number, person: DirectoryPerson): TeamsAgent {
    return { teamsId: `29:bench-${role}-${index}`, person, conversationId: `a:bench-${role}-${index}` };
  }

  /** One complete reset: "reset <target>", the confirmation card, Reset password, the password, the outcome card. */
  async reset(botUrl: string, agent: TeamsAgent, target: string): Promise<ResetConversation> {
    const inbox = new Inbox(this.connector, agent);
    try {
      const opened = await this.openCard(botUrl, agent, target, inbox);
      const clickSent = now();
      const answer = await this.channel.post(
        botUrl,
        this.channel.cardAction(agent, opened.cardActivityId, 'confirmReset', opened.confirmData),
      );
      const clickAnswered = now();
      if (answer.status !== 200) throw new Error(`the click was answered ${answer.status}`);
      const [password, update] = await Promise.all([
        inbox.waitFor(
          (call) => call.operation !== 'updateActivity' && call.operation !== 'createConversation',
          'the temporary password',
        ),
        inbox.waitFor(
          (call) => call.operation === 'updateActivity' && call.activityId === opened.cardActivityId,
          'the outcome card',
        ),
      ]);
      const passwordCard = cardOf(password.body);
      if (!passwordCard || !hasElement(passwordCard, 'temporaryPassword')) {
        throw new Error(`expected the temporary password, got: ${summary(password.body)}`);
      }
      if (!firstText(cardOf(update.body)).startsWith('Password reset for')) {
        throw new Error(`expected the card to say the password was reset, got: ${summary(update.body)}`);
      }
      return {
        messageSent: opened.messageSent,
        cardShown: opened.cardShown,
        clickSent,
        clickAnswered,
        passwordShown: password.endedAt,
        cardUpdated: update.endedAt,
        turns: opened.turns + 1,
        passwordCard,
      };
    } finally {
      inbox.close();
    }
  }

  /** "reset <target>" and its confirmation card, never clicked. */
  async confirmationCard(botUrl: string, agent: TeamsAgent, target: string): Promise<OpenedCard> {
    const inbox = new Inbox(this.connector, agent);
    try {
      const { messageSent, cardShown, turns } = await this.openCard(botUrl, agent, target, inbox);
      return { messageSent, cardShown, turns };
    } finally {
      inbox.close();
    }
  }

  /** One echo turn: a message and the echo bot's answer; resolves with its round trip in milliseconds. */
  async echo(botUrl: string, agent: TeamsAgent, text: string): Promise<number> {
    const inbox = new Inbox(this.connector, agent);
    try {
      const sent = now();
      const echoed = inbox.waitFor((call) => call.operation !== 'updateActivity', 'the echo');
      const answer = await this.channel.post(botUrl, this.channel.message(agent, text));
      if (answer.status !== 200) throw new Error(`the echo bot answered ${answer.status}`);
      const reply = await echoed;
      if (reply.body.text !== `Echo: ${text}`) throw new Error(`unexpected echo: ${summary(reply.body)}`);
      return reply.endedAt - sent;
    } finally {
      inbox.close();
    }
  }

  private async openCard(
    botUrl: string,
    agent: TeamsAgent,
    target: string,
    inbox: Inbox,
  ): Promise<OpenedCard & { cardActivityId: string; confirmData: Json }> {
    const messageSent = now();
    const shown = inbox.waitFor(
      (call) => call.operation === 'replyToActivity' || call.operation === 'sendToConversation',
      'the confirmation card',
    );
    const answer = await this.channel.post(botUrl, this.channel.message(agent, `reset ${target}`));
    if (answer.status !== 200) throw new Error(`the message was answered ${answer.status}`);
    const posted = await shown;
    let card = cardOf(posted.body);
    let turns = 1;
    // Teams refreshes a card with a user-specific view for the users it names, at once (Universal Actions).
    const refresh = card?.refresh as
      { action?: { verb?: string; data?: Json }; userIds?: unknown } | undefined;
    if (refresh?.action?.verb && Array.isArray(refresh.userIds) && refresh.userIds.includes(agent.teamsId)) {
      const refreshed = await this.channel.post(
        botUrl,
        this.channel.cardAction(
          agent,
          posted.activityId,
          refresh.action.verb,
          refresh.action.data ?? {},
          'automatic',
        ),
      );
      turns += 1;
      card = (refreshed.body as { value?: Json } | undefined)?.value;
    }
    const confirm = executeActions(card).find((action) => action.verb === 'confirmReset');
    if (!confirm) throw new Error(`expected a confirmation card, got: ${summary(posted.body)}`);
    return {
      messageSent,
      cardShown: posted.endedAt,
      turns,
      cardActivityId: posted.activityId,
      confirmData: confirm.data ?? {},
    };
  }
}

/**
 * The calls into one agent's chats (their 1:1 and the private chat the bot may open with them), handed to
 * whichever step waits for one of them, in order of arrival.
 */
class Inbox {
  private readonly arrived: ConnectorCall[] = [];
  private readonly waiting: Array<{
    predicate: (call: ConnectorCall) => boolean;
    resolve: (call: ConnectorCall) => void;
    timer: NodeJS.Timeout;
  }> = [];
  private readonly conversations: string[];

  constructor(
    private readonly connector: BenchConnector,
    agent: TeamsAgent,
  ) {
    this.conversations = [agent.conversationId, `a:private-${agent.teamsId}`];
    for (const id of this.conversations) connector.listen(id, (call) => this.arrive(call));
  }

  waitFor(predicate: (call: ConnectorCall) => boolean, what: string): Promise<ConnectorCall> {
    const index = this.arrived.findIndex(predicate);
    if (index >= 0) return Promise.resolve(this.arrived.splice(index, 1)[0]);
    const arrival = new Promise<ConnectorCall>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(new Error(`${what} did not arrive within ${STEP_TIMEOUT_MS} ms`));
      }, STEP_TIMEOUT_MS);
      const waiter = {
        predicate,
        resolve: (call: ConnectorCall) => {
          clearTimeout(timer);
          resolve(call);
        },
        timer,
      };
      this.waiting.push(waiter);
    });
    // A step that failed first abandons its wait; the timeout must not surface as an unhandled rejection.
    arrival.catch(() => undefined);
    return arrival;
  }

  /** Stops listening; waits still open (after a failed step) are dropped. */
  close(): void {
    for (const id of this.conversations) this.connector.unlisten(id);
    for (const waiter of this.waiting.splice(0)) clearTimeout(waiter.timer);
  }

  private arrive(call: ConnectorCall): void {
    const waiter = this.waiting.find((candidate) => candidate.predicate(call));
    if (!waiter) {
      this.arrived.push(call);
      return;
    }
    this.waiting.splice(this.waiting.indexOf(waiter), 1);
    waiter.resolve(call);
  }
}

/** The Adaptive Card an activity carries, if any. */
export function cardOf(activity: Json | undefined): Json | undefined {
  const attachment = (
    activity?.attachments as Array<{ contentType?: string; content?: Json }> | undefined
  )?.[0];
  return attachment?.contentType === 'application/vnd.microsoft.card.adaptive'
    ? attachment.content
    : undefined;
}

interface ExecuteAction {
  verb?: string;
  data?: Json;
}

/** Every `Action.Execute` in a card, wherever it sits. */
function executeActions(card: unknown): ExecuteAction[] {
  const found: ExecuteAction[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      const record = node as Json;
      if (record.type === 'Action.Execute') found.push(record);
      Object.values(record).forEach(visit);
    }
  };
  visit(card);
  return found;
}

/** Whether the card has an element with this `id`. */
function hasElement(card: Json, id: string): boolean {
  return JSON.stringify(card).includes(`"id":"${id}"`);
}

/** The first text of a card (its heading), or ''. */
function firstText(card: Json | undefined): string {
  const match = /"text":"((?:[^"\\]|\\.)*)"/.exec(JSON.stringify(card ?? {}));
  return match ? (JSON.parse(`"${match[1] ?? ''}"`) as string) : '';
}

/** What an unexpected answer said, for the failure report: its text or its card's heading, never more. */
function summary(activity: Json): string {
  const card = cardOf(activity);
  if (card) return `a card "${firstText(card)}"`;
  const text =
    typeof activity.text === 'string' ? activity.text : `a ${JSON.stringify(activity.type)} activity`;
  return `"${text.slice(0, 120)}"`;
}

/** A step's latencies, in a `perf_hooks` histogram (microseconds inside, milliseconds out). */
export class StepLatencies {
  private readonly histogram: RecordableHistogram = createHistogram();

  record(milliseconds: number): void {
    this.histogram.record(Math.max(1, Math.round(milliseconds * 1000)));
  }

  summary(): LatencySummary {
    const h = this.histogram;
    const ms = (microseconds: number) => Math.round(microseconds / 10) / 100;
    return {
      count: h.count,
      p50: ms(h.percentile(50)),
      p95: ms(h.percentile(95)),
      p99: ms(h.percentile(99)),
      max: ms(h.max),
    };
  }
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LoadOutcome {
  completed: number;
  failures: string[];
  elapsedMs: number;
}

/**
 * Runs `work` from every agent at once, each agent starting its next conversation when its last one ended,
 * until `until` says stop (checked before each start), then waits for the conversations in flight.
 * `periodMs`, if given, spaces each agent's starts at least that far apart (a paced load).
 */
export async function runLoad(
  agents: TeamsAgent[],
  until: (started: number, elapsedMs: number) => boolean,
  work: (agent: TeamsAgent, index: number) => Promise<void>,
  periodMs = 0,
): Promise<LoadOutcome> {
  const begun = now();
  let started = 0;
  let completed = 0;
  const failures: string[] = [];
  await Promise.all(
    agents.map(async (agent) => {
      while (!until(started, now() - begun)) {
        const index = started++;
        const at = now();
        try {
          await work(agent, index);
          completed += 1;
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        }
        const rest = at + periodMs - now();
        if (rest > 0) await sleep(rest);
      }
    }),
  );
  return { completed, failures, elapsedMs: now() - begun };
}
