import template from './templates/help.json';
import { cardTemplate } from './expandTemplate';
import type { AdaptiveCardJson } from './types';

const expand = cardTemplate(template);

/** What the bot does, who may use it, example commands, and that the password is only sent privately. */
export function buildHelpCard(): AdaptiveCardJson {
  return expand({});
}
