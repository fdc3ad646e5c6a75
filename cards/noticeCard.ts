import template from './templates/notice.json';
import { cardTemplate } from './expandTemplate';
import { cardText, TextLimits } from './cardText';
import type { AdaptiveCardJson, NoticeInput } from './types';

const expand = cardTemplate(template);

/** A card that only tells: what someone else is waiting for, or that a card is closed. No buttons. */
export function buildNoticeCard(input: NoticeInput): AdaptiveCardJson {
  const subtitle = input.subtitle?.trim() ?? '';
  return expand({
    title: cardText(input.title, TextLimits.sentence),
    hasSubtitle: subtitle !== '',
    subtitle: cardText(subtitle, TextLimits.upn),
    message: cardText(input.message, TextLimits.sentence),
  });
}
