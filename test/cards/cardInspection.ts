import type { AdaptiveCardJson } from '../../cards';

type JsonObject = Record<string, unknown>;

/** Every object in the card (elements, actions, facts, inlines), depth first. */
export function objectsIn(node: unknown): JsonObject[] {
  if (Array.isArray(node)) return node.flatMap(objectsIn);
  if (typeof node !== 'object' || node === null) return [];
  const object = node as JsonObject;
  return [object, ...Object.values(object).flatMap(objectsIn)];
}

/** Every string value in the card. */
export function stringsIn(node: unknown): string[] {
  if (typeof node === 'string') return [node];
  if (Array.isArray(node)) return node.flatMap(stringsIn);
  if (typeof node === 'object' && node !== null) return Object.values(node).flatMap(stringsIn);
  return [];
}

/** What a reader sees: TextBlock and TextRun text, fact titles and values, action and toggle titles. */
export function visibleTexts(card: AdaptiveCardJson): string[] {
  return objectsIn(card).flatMap((object) =>
    ['text', 'title', 'value']
      .map((key) => object[key])
      .filter((value): value is string => typeof value === 'string'),
  );
}

export function actionsIn(card: AdaptiveCardJson): JsonObject[] {
  return objectsIn(card).filter(
    (object) => typeof object.type === 'string' && object.type.startsWith('Action.'),
  );
}

export function elementsOfType(card: AdaptiveCardJson, type: string): JsonObject[] {
  return objectsIn(card).filter((object) => object.type === type);
}

/** How many times `needle` occurs across all string values of the card. */
export function occurrences(card: AdaptiveCardJson, needle: string): number {
  return stringsIn(card).reduce((count, value) => count + value.split(needle).length - 1, 0);
}
