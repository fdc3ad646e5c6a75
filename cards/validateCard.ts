import type { AdaptiveCardJson } from './types';

// The package's lib/ build does not load under Node; its bundled dist/ build does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AdaptiveCards = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

/** Teams renders bot-sent cards up to schema 1.5. */
const MAX_VERSION = { major: 1, minor: 5 };
/** Issue #3's budget, well inside Teams' own limit for bot messages (about 40–100 KB). */
export const MAX_CARD_BYTES = 28 * 1024;
/** "Maximum 60 different users can see a different version of the card" (Teams, User Specific Views). */
export const MAX_REFRESH_USER_IDS = 60;

/**
 * Problems that would stop Teams from rendering `card` as intended: parse and validation events of the
 * reference renderer, a version above 1.5, an Action.Execute without a verb, a size over budget. Empty when
 * the card is fine.
 */
export function validateCard(card: AdaptiveCardJson): string[] {
  const problems: string[] = [];

  const context = new AdaptiveCards.SerializationContext();
  const parsed = new AdaptiveCards.AdaptiveCard();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const event of parsed.validateProperties().validationEvents)
    problems.push(`validate: ${event.message}`);

  if (!isVersionSupported(card.version)) problems.push(`version ${card.version} is above 1.5`);
  for (const action of executeActions(card)) {
    if (typeof action.verb !== 'string' || action.verb === '') problems.push('an Action.Execute has no verb');
  }
  problems.push(...refreshProblems(card));
  const bytes = Buffer.byteLength(JSON.stringify(card), 'utf8');
  if (bytes >= MAX_CARD_BYTES) problems.push(`card is ${bytes} bytes, budget is ${MAX_CARD_BYTES}`);

  return problems;
}

/**
 * A `refresh` (Universal Actions) holds an Action.Execute and the Teams user ids that refresh automatically:
 * "The `userIds` property must always be included", with "a maximum of 60 (sixty) user MRIs", and the card
 * "must be set to 1.5" (Teams, "Work with Universal Actions for Adaptive Cards").
 */
function refreshProblems(card: AdaptiveCardJson): string[] {
  if (card.refresh === undefined) return [];
  const refresh = card.refresh as { action?: { type?: unknown }; userIds?: unknown };
  const problems: string[] = [];
  if (refresh.action?.type !== 'Action.Execute') problems.push('refresh.action is not an Action.Execute');
  const { userIds } = refresh;
  if (!Array.isArray(userIds) || !userIds.every((id) => typeof id === 'string')) {
    problems.push('refresh.userIds is not a list of Teams user ids');
  } else if (userIds.length > MAX_REFRESH_USER_IDS) {
    problems.push(`refresh.userIds has ${userIds.length} ids, Teams allows ${MAX_REFRESH_USER_IDS}`);
  }
  if (card.version !== '1.5') problems.push(`a card with refresh must be version 1.5, not ${card.version}`);
  return problems;
}

function isVersionSupported(version: string): boolean {
  const match = /^(\d+)\.(\d+)$/.exec(version);
  if (match === null) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major < MAX_VERSION.major || (major === MAX_VERSION.major && minor <= MAX_VERSION.minor);
}

function executeActions(node: unknown): Record<string, unknown>[] {
  if (Array.isArray(node)) return node.flatMap(executeActions);
  if (typeof node !== 'object' || node === null) return [];
  const object = node as Record<string, unknown>;
  const nested = Object.values(object).flatMap(executeActions);
  return object.type === 'Action.Execute' ? [object, ...nested] : nested;
}
