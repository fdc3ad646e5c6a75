import type { UserSummary } from '../../cards';

/** Recognisable, so that a leak is easy to spot in any output. */
export const FAKE_PASSWORD = 'FAKE-Temp-Pa55w0rd-Q7x!';

export const typicalUser: UserSummary = {
  id: 'e1a00000-0000-4000-8000-000000000002',
  displayName: 'Megan Bowen',
  userPrincipalName: 'meganb@contoso.com',
  jobTitle: 'Marketing Manager',
  department: 'Marketing',
};

/** Display names and other directory text an attacker could control, each of which must render literally. */
export const hostileTexts: Record<string, string> = {
  templateReference: '${requesterName}',
  templateFunction: "${if(true,'x','y')}",
  markdownLink: '[Click to verify](https://evil.example/login)',
  markdownEmphasis: '**URGENT** _approve_ ~~now~~ `code`',
  listAtStart: '- Approved by Global Administrator',
  numberedAtStart: '1. Approved',
  heading: '# Reset done',
  blockquote: '> quoted',
  dateFunction: '{{DATE(2017-02-14T06:08:39Z, SHORT)}}',
  htmlAndEntities: '<b>bold</b> &amp; &lt;at&gt;',
  backslash: 'CONTOSO\\megan \\_x',
  newlines: 'Megan\n\n- Approved\r\nby IT',
  bidiOverride: 'Megan \u202Emoc.liave@nagem',
  longName: 'A'.repeat(500),
  longHostile: '*['.repeat(250),
  unicode: 'Zoë Ñúñez 李小龍 👩🏽‍💻 محمد',
};

export function hostileUser(index: number, text: string): UserSummary {
  return {
    id: `e1a00000-0000-4000-8000-${(0x100 + index).toString(16).padStart(12, '0')}`,
    displayName: text,
    userPrincipalName: `${text}@contoso.com`,
    jobTitle: text,
    department: index % 2 === 0 ? null : '',
  };
}
