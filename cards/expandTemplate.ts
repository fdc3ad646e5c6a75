import type { Template } from 'adaptivecards-templating';
import type { AdaptiveCardJson } from './types';

/**
 * Values a template may bind to. No null or undefined: the engine renders a missing value as the literal
 * text "${name}", so builders must say what an absent attribute means.
 */
export type TemplateValue = string | number | boolean | TemplateValue[] | { [key: string]: TemplateValue };
export type TemplateData = Record<string, TemplateValue>;

/** Every template's preparation, for `prepareCardTemplates`. */
const preparers: Array<() => unknown> = [];

/**
 * Prepares a card template on its first use. Data is bound as values, never parsed as expressions, so "${…}"
 * arriving in data stays text (the test suite holds the engine to that).
 *
 * Not at import: loading the engine (adaptive-expressions, an ANTLR parser) and parsing every expression of the
 * nine templates took about half a second of CPU on every start (issue #11). They are prepared at the first
 * readiness probe instead (`prepareCardTemplates`), or with the first card of each kind if no probe came first.
 */
export function cardTemplate(payload: object): (data: TemplateData) => AdaptiveCardJson {
  let template: Template | undefined;
  const prepared = (): Template => (template ??= new (templatingEngine().Template)(payload));
  preparers.push(prepared);
  return (data) => {
    const expanded: unknown = prepared().expand({ $root: data });
    if (!isAdaptiveCard(expanded)) throw new Error('A card template did not expand to an AdaptiveCard.');
    return expanded;
  };
}

/**
 * Loads the engine and prepares every template now rather than with the first card of each kind: the readiness
 * probe does this once, before a platform sends the instance traffic, so that the first card after a
 * deployment is as quick as the next.
 */
export function prepareCardTemplates(): void {
  for (const prepare of preparers) prepare();
}

/** Required on first use rather than imported dynamically, so that building a card stays synchronous. */
function templatingEngine(): typeof import('adaptivecards-templating') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('adaptivecards-templating') as typeof import('adaptivecards-templating');
}

function isAdaptiveCard(value: unknown): value is AdaptiveCardJson {
  if (typeof value !== 'object' || value === null) return false;
  const card = value as Record<string, unknown>;
  return card.type === 'AdaptiveCard' && typeof card.version === 'string';
}
