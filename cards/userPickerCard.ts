import { MAX_CANDIDATES } from '../core/resets';
import template from './templates/userPicker.json';
import { cardTemplate } from './expandTemplate';
import { askToType } from './cardSetting';
import { cardText, TextLimits } from './cardText';
import { CardVerbs, type AdaptiveCardJson, type UserPickerInput, type UserSummary } from './types';

const expand = cardTemplate(template);

/** Several matches: one Select button per candidate, with UPN, job title and department to tell them apart. */
export function buildUserPickerCard(input: UserPickerInput): AdaptiveCardJson {
  const shown = input.candidates.slice(0, MAX_CANDIDATES);
  const cut = input.hasMore || input.candidates.length > shown.length;
  return expand({
    verb: CardVerbs.selectUser,
    selectionId: input.selectionId,
    matchSummary: matchSummary(input.query, shown.length, cut),
    candidates: shown.map(candidateRow),
    refineHint: cardText(
      `Not in the list? ${askToType(input.setting, 'a more specific name or the UPN', ['megan@contoso.com'])}`,
      TextLimits.sentence,
    ),
  });
}

function matchSummary(query: string, shownCount: number, cut: boolean): string {
  const quoted = `"${cardText(query, TextLimits.query)}"`;
  if (cut) return `More people match ${quoted} than fit here; these are the first ${shownCount}.`;
  if (shownCount === 0) return `No one matches ${quoted}.`;
  return `${shownCount} ${shownCount === 1 ? 'person matches' : 'people match'} ${quoted}.`;
}

function candidateRow(user: UserSummary) {
  const details = [user.jobTitle, user.department]
    .map((value) => value?.trim() ?? '')
    .filter((value) => value !== '')
    .map((value) => cardText(value, TextLimits.attribute));
  return {
    id: user.id,
    displayName: cardText(user.displayName, TextLimits.name),
    userPrincipalName: cardText(user.userPrincipalName, TextLimits.upn),
    details: details.length > 0 ? details.join(' · ') : 'No job title or department',
  };
}
