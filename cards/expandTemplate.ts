import { Template } from 'adaptivecards-templating';
import type { AdaptiveCardJson } from './types';

/**
 * Values a template may bind to. No null or undefined: the engine renders a missing value as the literal
 * text "${name}", so builders must say what an absent attribute means.
 */
export type TemplateValue = string | number | boolean | TemplateValue[] | { [key: string]: TemplateValue };
export type TemplateData = Record<string, TemplateValue>;

/**
 * Prepares a card template once. Data is bound as values, never parsed as expressions, so "${…}" arriving in
 * data stays text (the test suite holds the engine to that).
 */
export function cardTemplate(payload: object): (data: TemplateData) => AdaptiveCardJson {
  const template = new Template(payload);
  return (data) => {
    const expanded: unknown = template.expand({ $root: data });
    if (!isAdaptiveCard(expanded)) throw new Error('A card template did not expand to an AdaptiveCard.');
    return expanded;
  };
}

function isAdaptiveCard(value: unknown): value is AdaptiveCardJson {
  if (typeof value !== 'object' || value === null) return false;
  const card = value as Record<string, unknown>;
  return card.type === 'AdaptiveCard' && typeof card.version === 'string';
}
