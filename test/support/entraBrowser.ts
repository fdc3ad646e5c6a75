import assert from 'node:assert/strict';

/** The demo tenant's password for every person (simulator/fixture/demoTenant.json). */
export const DEMO_PASSWORD = 'Sim-Initial-7f3Q!';

/** A browser without cookies that follows no redirect on its own. */
export async function getWithoutRedirect(url: string): Promise<Response> {
  return fetch(url, { redirect: 'manual' });
}

async function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The hidden fields of the sign-in page's form. */
function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1] ?? ''] = (m[2] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  }
  return fields;
}

/**
 * Follows a sign-in link from the bot's card to Entra's page, signs in (or cancels) there, and returns
 * Entra's answer: a redirect back to the token service.
 */
export async function signInThroughEntra(
  signInLink: string,
  login: string,
  action: 'signin' | 'cancel' = 'signin',
  password: string = DEMO_PASSWORD,
): Promise<Response> {
  const toEntra = await getWithoutRedirect(signInLink);
  assert.equal(toEntra.status, 302, 'the sign-in link leads to Entra');
  const authorizeUrl = toEntra.headers.get('location') ?? '';
  const page = await getWithoutRedirect(authorizeUrl);
  assert.equal(page.status, 200);
  return postForm(authorizeUrl.split('?')[0] ?? '', {
    ...hiddenFields(await page.text()),
    login,
    passwd: password,
    action,
  });
}

/**
 * What a person does with a sign-in link: signs in (or cancels) on Entra's page, and reads the page the token
 * service ends on. Resolves to the magic code that page shows, or null when it shows none (a cancelled or
 * failed sign-in).
 */
export async function signInWithLink(
  signInLink: string,
  login: string,
  action: 'signin' | 'cancel' = 'signin',
  password: string = DEMO_PASSWORD,
): Promise<string | null> {
  const back = await signInThroughEntra(signInLink, login, action, password);
  assert.equal(back.status, 302, 'Entra redirects back to the token service');
  const done = await getWithoutRedirect(back.headers.get('location') ?? '');
  const html = await done.text();
  return /<span id="magic-code">(\d{6})<\/span>/.exec(html)?.[1] ?? null;
}
