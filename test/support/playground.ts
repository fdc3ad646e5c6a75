import { existsSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { parsePlaygroundPort, playgroundCommand } from '../../demo/commands';
import { DEMO_PASSWORD } from './entraBrowser';
import { freePort, startChild, type ChildHandle } from './processes';

/**
 * Drives the Microsoft 365 Agents Playground (0.2.28) from a test: starts its server against a bot and
 * operates its web UI in headless Chromium. The selectors below were found by exploring the running UI;
 * they are the Playground's internals (Fluent UI + Adaptive Cards renderer), not a published API, so they
 * live here and nowhere else.
 */

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** `bot.name` in .m365agentsplayground.yml: the author name of bot messages and the mention picker entry. */
export const BOT_NAME = 'Helpdesk Reset';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const SELECTORS = {
  /** The Lexical compose box, in chats and in a channel's "Start a new post" card alike. */
  composeBox: '[data-lexical-editor="true"]',
  /** The @mention picker that typing "@" opens in a channel. */
  mentionOption: '#typeahead-menu [role="menuitem"]',
  /**
   * A bot message's content. In chats a message row is `div > (div > avatar) + div.fai-OutputCard`; in a
   * channel thread a reply row is `div > (div > avatar, author, time) + div(content) + div(empty)`. Either
   * row is the div whose child div directly holds the bot's avatar, and the content is its second child.
   * (The left tree's avatars sit in buttons and the mention picker's in spans, so they do not match.)
   */
  botMessage: (botName: string) =>
    `div:has(> div > span[role="img"][aria-label="${botName}"]) > div:nth-child(2)`,
  adaptiveCard: '.ac-adaptiveCard',
  /**
   * Hero-style cards, as the Playground renders an OAuth card (the sign-in card): its text, then our "Sign in"
   * button and a "Redeem code" button the Playground adds itself. Not an Adaptive Card, so no `.ac-*` classes.
   */
  heroCard: '[data-tid="hero-card"]',
  heroCardButton: '[data-tid="hero-card-buttons"] button',
  hideLogPanel: 'button[title="Hide log panel"]',
  cardAction: '.ac-actionSet button',
  richTextBlock: '.ac-richTextBlock',
  /** Card elements that group content with its actions (a picker row is a ColumnSet). */
  cardPart: '.ac-container, .ac-columnSet',
} as const;

interface WantedMessage {
  text: string | RegExp;
  card?: 'adaptive' | 'hero';
  /** A card action (or, for a hero card, a button) the message must offer. */
  action?: string;
}

export interface WaitOptions {
  /** Only messages after the first `after` count (a value from `botMessageCount`). */
  after?: number;
  timeoutMs?: number;
}

export interface OpenOptions {
  botName?: string;
  /**
   * Accept any certificate in this browser context. The simulated tenant's pages (a sign-in popup) are HTTPS
   * with a CA made for each test run, which Chromium does not trust.
   */
  ignoreHTTPSErrors?: boolean;
}

export interface RunningPlayground {
  /** The web UI, e.g. http://127.0.0.1:56150 */
  url: string;
  port: number;
  child: ChildHandle;
  stop(): Promise<void>;
}

export interface StartPlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages */
  botEndpoint: string;
  /** Where the Playground writes its own log (it records every activity, so keep it out of the repo). */
  logFile: string;
  port?: number;
  configPath?: string;
  timeoutMs?: number;
}

/** Starts the Playground server (no browser of its own) and resolves once it listens. */
export async function startPlayground(options: StartPlaygroundOptions): Promise<RunningPlayground> {
  const { args, env } = playgroundCommand({
    botEndpoint: options.botEndpoint,
    port: options.port ?? (await freePort()),
    logFile: options.logFile,
    configPath: options.configPath,
  });
  const child = await startChild('playground', process.execPath, args, {
    env,
    readyWhen: (line) => parsePlaygroundPort(line) !== null,
    timeoutMs: options.timeoutMs ?? 30_000,
  });
  const port = parsePlaygroundPort(child.readyLine) ?? 0;
  return { url: `http://127.0.0.1:${port}`, port, child, stop: () => child.stop() };
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** One browser tab on the Playground. Its history lives in the page: reloading it empties every chat. */
export class PlaygroundPage {
  private constructor(
    readonly page: Page,
    readonly botName: string,
  ) {}

  static async open(browser: Browser, url: string, options: OpenOptions = {}): Promise<PlaygroundPage> {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 900 },
      ignoreHTTPSErrors: options.ignoreHTTPSErrors ?? false,
    });
    // The UI asks a CDN for web fonts; a test never talks to the internet. On the context rather than the page,
    // so that sign-in popups are held to it too.
    await page.context().route(
      (url) => !LOOPBACK_HOSTS.has(url.hostname),
      (route) => route.abort(),
    );
    // Not 'load': the page asks for web fonts it cannot reach offline, which delays 'load' by seconds.
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await page.locator(SELECTORS.composeBox).waitFor();
    return new PlaygroundPage(page, options.botName ?? BOT_NAME);
  }

  async openPersonalChat(): Promise<void> {
    await this.openConversation('Personal Chat');
  }

  async openGroupChat(name: string): Promise<void> {
    await this.openConversation(name);
  }

  /** Channels appear in the tree as "<team> - <channel>". */
  async openChannel(team: string, channel: string): Promise<void> {
    await this.openConversation(`${team} - ${channel}`);
  }

  /** Types into the chat's compose box and presses Enter. */
  async sendMessage(text: string): Promise<void> {
    const box = this.page.locator(SELECTORS.composeBox).last();
    await box.click();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
  }

  /** Starts a channel post that @mentions the bot through the picker, then posts it. */
  async postToBotInChannel(text: string): Promise<void> {
    const box = this.page.locator(SELECTORS.composeBox).first();
    await box.click();
    await this.page.keyboard.type('@');
    await this.page.locator(SELECTORS.mentionOption, { hasText: this.botName }).click();
    await this.page.keyboard.type(` ${text}`);
    await this.page.getByRole('button', { name: 'Post', exact: true }).click();
  }

  /**
   * Replies in the open channel's latest thread, @mentioning the bot through the picker, as Teams needs for
   * the bot to receive the reply.
   */
  async replyToBotInThread(text: string): Promise<void> {
    const box = this.page.locator(SELECTORS.composeBox).last();
    await box.click();
    await this.page.keyboard.type('@');
    await this.page.locator(SELECTORS.mentionOption, { hasText: this.botName }).click();
    await this.page.keyboard.type(` ${text}`);
    await this.page.keyboard.press('Enter');
  }

  /** The content of every bot message in the open conversation, oldest first. */
  botMessages(): Locator {
    return this.page.locator(SELECTORS.botMessage(this.botName));
  }

  async botMessageCount(): Promise<number> {
    return this.botMessages().count();
  }

  /**
   * Waits for a bot message newer than `after` (a count from `botMessageCount`) whose text matches; returns
   * it. Messages are only appended or updated in place, so the returned locator keeps pointing at it.
   */
  async waitForBotMessage(text: string | RegExp, options: WaitOptions = {}): Promise<Locator> {
    const index = await this.waitForMessage({ text }, options);
    return this.botMessages().nth(index);
  }

  /** Like `waitForBotMessage`, for a message holding an Adaptive Card (that offers `withAction`, if given). */
  async waitForCard(
    text: string | RegExp,
    options: WaitOptions & { withAction?: string } = {},
  ): Promise<Locator> {
    const index = await this.waitForMessage({ text, card: 'adaptive', action: options.withAction }, options);
    return this.botMessages().nth(index).locator(SELECTORS.adaptiveCard);
  }

  /** Like `waitForCard`, for a hero-style card such as the sign-in (OAuth) card; returns the card. */
  async waitForHeroCard(
    text: string | RegExp,
    options: WaitOptions & { withButton?: string } = {},
  ): Promise<Locator> {
    const index = await this.waitForMessage({ text, card: 'hero', action: options.withButton }, options);
    return this.botMessages().nth(index).locator(SELECTORS.heroCard);
  }

  /** The titles of a hero-style card's buttons. */
  async heroCardButtonTitles(card: Locator): Promise<string[]> {
    const titles = await card.locator(SELECTORS.heroCardButton).allInnerTexts();
    return titles.map((title) => title.trim());
  }

  /**
   * Clicks a hero-style card's button that opens a window (the sign-in card's "Sign in": the Playground calls
   * `window.open` with the card's link) and returns that window once it has loaded.
   */
  async clickHeroCardButtonForPopup(card: Locator, title: string): Promise<Page> {
    const button = card
      .locator(SELECTORS.heroCardButton)
      .filter({ hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) });
    const [popup] = await Promise.all([this.page.waitForEvent('popup'), button.click()]);
    await popup.waitForLoadState('domcontentloaded');
    return popup;
  }

  /**
   * Clicks the card's action titled `title`. With `near`, the one in the innermost part of the card that
   * also shows that text (a picker card has a "Select" per person).
   */
  async clickCardAction(card: Locator, title: string, options: { near?: string } = {}): Promise<void> {
    const titled = { hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) };
    const scope =
      options.near === undefined
        ? card
        : card
            .locator(SELECTORS.cardPart)
            .filter({ hasText: options.near })
            .filter({ has: this.page.locator(SELECTORS.cardAction).filter(titled) })
            .last();
    await scope.locator(SELECTORS.cardAction).filter(titled).click();
  }

  /** The titles of the actions a card offers right now. */
  async cardActionTitles(card: Locator): Promise<string[]> {
    return card.locator(SELECTORS.cardAction).allInnerTexts();
  }

  /** The text of each RichTextBlock in a card (where cards show values verbatim). */
  async cardRichTexts(card: Locator): Promise<string[]> {
    const texts = await card.locator(SELECTORS.richTextBlock).allInnerTexts();
    return texts.map((text) => text.trim());
  }

  /** The text of the card element with this `id` (the renderer gives the element that DOM id). */
  async cardElementText(card: Locator, id: string): Promise<string> {
    return (await card.locator(`[id="${id}"]`).innerText()).trim();
  }

  /** Polls `condition` until it holds; fails with `what` after the timeout. */
  async waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}`);
      await this.page.waitForTimeout(150);
    }
  }

  /** The visible text of the newest `count` bot messages, oldest first. */
  async latestBotMessageTexts(count: number): Promise<string[]> {
    const texts = await this.botMessages().allInnerTexts();
    return texts.slice(-count);
  }

  /** The visible text of every bot message after the first `after`. */
  async botMessageTextsAfter(after: number): Promise<string[]> {
    const texts = await this.botMessages().allInnerTexts();
    return texts.slice(after);
  }

  /** More room for the conversation (and no raw activities) in a screenshot. */
  async hideLogPanel(): Promise<void> {
    const hide = this.page.locator(SELECTORS.hideLogPanel);
    if ((await hide.count()) > 0) await hide.click();
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path });
  }

  private async waitForMessage(wanted: WantedMessage, options: WaitOptions): Promise<number> {
    const after = options.after ?? 0;
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    for (;;) {
      const messages = await this.botMessages().evaluateAll(
        (elements, selectors) =>
          elements.map((element) => ({
            text: (element as HTMLElement).innerText,
            hasCard: element.querySelector(selectors.card) !== null,
            hasHeroCard: element.querySelector(selectors.heroCard) !== null,
            actions: Array.from(element.querySelectorAll(selectors.action)).map((button) =>
              (button as HTMLElement).innerText.trim(),
            ),
            heroButtons: Array.from(element.querySelectorAll(selectors.heroButton)).map((button) =>
              (button as HTMLElement).innerText.trim(),
            ),
          })),
        {
          card: SELECTORS.adaptiveCard,
          heroCard: SELECTORS.heroCard,
          action: SELECTORS.cardAction,
          heroButton: SELECTORS.heroCardButton,
        },
      );
      for (let index = messages.length - 1; index >= after; index -= 1) {
        const message = messages[index];
        if (wanted.card === 'adaptive' && !message.hasCard) continue;
        if (wanted.card === 'hero' && !message.hasHeroCard) continue;
        const offered = wanted.card === 'hero' ? message.heroButtons : message.actions;
        if (wanted.action !== undefined && !offered.includes(wanted.action)) continue;
        if (matches(message.text, wanted.text)) return index;
      }
      if (Date.now() > deadline) {
        const seen = messages.slice(after).map((message) => message.text);
        throw new Error(
          `No bot message ${JSON.stringify({ ...wanted, text: String(wanted.text) })} appeared. ` +
            `Bot messages since #${after}: ${JSON.stringify(seen)}`,
        );
      }
      await this.page.waitForTimeout(150);
    }
  }

  private async openConversation(treeItemName: string): Promise<void> {
    await this.page.getByRole('treeitem', { name: treeItemName, exact: true }).click();
    await this.page.locator(SELECTORS.composeBox).first().waitFor();
  }
}

/**
 * Signs in on the simulated Entra page a sign-in popup shows (simulator/auth/authorize.ts) and returns the
 * magic code the token service's page then shows. Fails with the page's error when the sign-in is refused.
 */
export async function signInOnSimulatedEntraPage(
  popup: Page,
  login: string,
  password: string = DEMO_PASSWORD,
): Promise<string> {
  // The same patience as the chat waits above, rather than Playwright's 30 s per step.
  const timeout = 15_000;
  await popup.locator('input[name="login"]').fill(login, { timeout });
  await popup.locator('input[name="passwd"]').fill(password, { timeout });
  await popup.locator('button[name="action"][value="signin"]').click({ timeout });
  const code = popup.locator('#magic-code');
  const error = popup.locator('#error');
  await code.or(error).first().waitFor({ timeout });
  if ((await error.count()) > 0) {
    throw new Error(`The sign-in page refused: ${(await error.innerText()).trim()} (${popup.url()})`);
  }
  return (await code.innerText()).trim();
}

function matches(text: string, expected: string | RegExp): boolean {
  return typeof expected === 'string' ? text.includes(expected) : expected.test(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
