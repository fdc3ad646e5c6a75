import fc from 'fast-check';

/**
 * Generators of hostile input for `/api/messages`: what a caller who can reach the endpoint might post, from
 * arbitrary JSON to Teams-shaped activities with one field wrong, and card clicks on real pending actions by
 * the wrong person. Used by the fuzz test (test/e2e/fuzz.test.ts).
 */

/** One HTTP request to post: the raw body and its content type. */
export interface HostileRequest {
  /** What the input is, for the figures (e.g. `json`, `message`, `card-invoke`, `other-invoke`). */
  family: string;
  contentType: string;
  body: string;
}

/** What the generators need to know about the running bot and tenant. */
export interface FuzzWorld {
  tenantId: string;
  serviceUrl: string;
  bot: { id: string; name: string };
  /** The requester of every real pending action below: never made to confirm one of them. */
  requester: { id: string; name: string; aadObjectId: string };
  /** People of the tenant other than the requester. */
  others: Array<{ id: string; name: string; aadObjectId: string }>;
  /** Ids of real, open pending actions, and user ids the directory knows. */
  selectionIds: string[];
  resetIds: string[];
  userIds: string[];
}

/** Strings an attacker tries first: markup, template syntax, OData and URL metacharacters, odd unicode. */
const NASTY_STRINGS = [
  '',
  ' ',
  "'",
  "''",
  '%27',
  "o'brien",
  "megan' or 1 eq 1 or displayName eq '",
  '$filter=startswith(displayName,%27a%27)',
  "$filter=displayName eq 'x'&$top=999",
  '$top=999',
  '$expand=memberOf',
  '$search="megan"',
  '?$select=*',
  '../../users',
  '/users/e1a00000-0000-4000-8000-000000000002',
  '%2e%2e%2f',
  '%00',
  '\u0000',
  '\u202e\u0041lex',
  '\ud83d\ude00',
  '\ud800',
  'Z\u0351\u0360\u0363a\u0364\u0367l\u035bg\u0350o',
  '<at>Helpdesk Reset</at>',
  '<script>alert(1)</script>',
  '<b>bold</b>',
  '**bold** _it_ [link](http://evil.example)',
  '${Alex}',
  '${if(true, "x", "y")}',
  '{{DATE(2024-01-01T00:00:00Z)}}',
  '@{json("{}")}',
  '\\',
  '"',
  '\n\r\t',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  'NaN',
  '-1',
  '1e309',
  'megan@contoso.com',
  'meganb@contoso.com',
  'admin@contoso.com',
  'patti',
  'a'.repeat(300),
];

const KNOWN_VERBS = ['selectUser', 'confirmReset', 'cancelReset', 'refreshCard'];

/** Invoke names Teams and other Bot Framework channels send; the bot implements only `adaptiveCard/action`. */
const INVOKE_NAMES = [
  'adaptiveCard/action',
  'composeExtension/query',
  'composeExtension/queryLink',
  'composeExtension/submitAction',
  'composeExtension/fetchTask',
  'composeExtension/selectItem',
  'composeExtension/setting',
  'composeExtension/querySettingUrl',
  'composeExtension/onCardButtonClicked',
  'task/fetch',
  'task/submit',
  'tab/fetch',
  'tab/submit',
  'config/fetch',
  'config/submit',
  'fileConsent/invoke',
  'actionableMessage/executeAction',
  'message/submitAction',
  'signin/verifyState',
  'signin/tokenExchange',
  'signin/failure',
  'application/search',
  'healthCheck',
  'handoff/action',
  'ADAPTIVECARD/ACTION',
  'adaptiveCard/action ',
  '',
];

const FOREIGN_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

/** Any string at all, weighted towards the nasty ones (huge ones come from `hugeActivity`). */
function anyString(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  );
}

/**
 * A string of up to about 250 KB, just under the server's 256 KB body cap, or just over it: in UTF-8 an emoji
 * is 4 bytes, 2 UTF-16 units.
 */
function hugeString(): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom('x', "'", '\u00e9', '\ud83d\ude00', '<at>a</at>'),
      fc.constantFrom(1_000, 10_000, 60_000, 250_000),
    )
    .map(([piece, bytes]) => piece.repeat(Math.floor(bytes / Buffer.byteLength(piece))));
}

/** A value of any JSON type, including nested ones. */
function anyJson(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 2, arbitrary: anyString() },
    { weight: 1, arbitrary: fc.constantFrom(null, true, 0, -1, 1e308, [], {}, [[]], { id: {} }) },
  );
}

/** Where a field is kept as it is, dropped, or replaced by a value of another type. */
function mutate<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 8, arbitrary: good },
    { weight: 1, arbitrary: fc.constant(DROP) },
    { weight: 1, arbitrary: anyJson() },
  );
}

/**
 * Like `mutate`, for the fields every activity carries: wrong rarely enough that most activities get past
 * the shape check to the bot, which is where the interesting bugs are.
 */
function rarely<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 60, arbitrary: good },
    { weight: 1, arbitrary: fc.constant(DROP) },
    { weight: 1, arbitrary: anyJson() },
  );
}

/** A good value most of the time, anything now and then; often absent. */
function optionally<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.option(fc.oneof({ weight: 20, arbitrary: good }, { weight: 1, arbitrary: anyJson() }), {
    nil: DROP,
  });
}

/** Marks a field to leave out. */
const DROP = Symbol('drop');

function withoutDropped(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== DROP));
}

/** A fresh (unknown) id, one of ours, or something that is not an id at all. */
function pendingIdFrom(real: string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: real.length ? fc.constantFrom(...real) : fc.uuid({ version: 4 }) },
    { weight: 2, arbitrary: fc.uuid({ version: 4 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...real.map((id) => id.toUpperCase()), ...real.map((id) => ` ${id}`)),
    },
    { weight: 1, arbitrary: anyJson() },
  );
}

/** Who the activity claims to come from: the tenant's people, strangers, or nonsense. */
function sender(world: FuzzWorld): fc.Arbitrary<unknown> {
  const person = fc.constantFrom(world.requester, ...world.others);
  return fc.oneof(
    { weight: 30, arbitrary: person },
    {
      weight: 6,
      arbitrary: fc.record({
        id: rarely(fc.string({ minLength: 1, maxLength: 60 })),
        name: rarely(anyString()),
        aadObjectId: rarely(fc.oneof(fc.uuid({ version: 4 }), fc.constantFrom(...world.userIds))),
      }),
    },
    { weight: 1, arbitrary: anyJson() },
  );
}

/** Our tenant (as Teams writes it, or upper-cased), another tenant, or a tenant id of the wrong type. */
function tenant(world: FuzzWorld): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 9, arbitrary: fc.constant(world.tenantId) },
    { weight: 1, arbitrary: fc.constant(world.tenantId.toUpperCase()) },
    { weight: 2, arbitrary: fc.constantFrom(FOREIGN_TENANT, '', 'common', 'organizations') },
    { weight: 1, arbitrary: anyJson() },
  );
}

/** `channelData` as Teams sends it (tenant, and in a channel the team and channel), or not. */
function channelData(world: FuzzWorld): fc.Arbitrary<unknown> {
  return rarely(
    fc
      .record({
        tenant: rarely(fc.record({ id: rarely(tenant(world)) }).map(withoutDropped)),
        team: fc.option(fc.constant({ id: '19:team@thread.tacv2' }), { nil: DROP }),
        channel: fc.option(fc.constant({ id: '19:helpdesk@thread.tacv2' }), { nil: DROP }),
      })
      .map(withoutDropped),
  );
}

function conversation(world: FuzzWorld): fc.Arbitrary<unknown> {
  return rarely(
    fc
      .record({
        id: rarely(
          fc.constantFrom(
            'a:alex-personal',
            '19:helpdesk@thread.tacv2;messageid=1700000000000',
            '19:chat@thread.v2',
          ),
        ),
        conversationType: rarely(fc.constantFrom('personal', 'channel', 'groupChat')),
        isGroup: rarely(fc.boolean()),
        tenantId: rarely(fc.constantFrom(world.tenantId, FOREIGN_TENANT)),
      })
      .map(withoutDropped),
  );
}

/** The fields every activity carries, each possibly missing or of the wrong type. */
function envelope(world: FuzzWorld): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      id: rarely(fc.string({ maxLength: 20 })),
      channelId: rarely(fc.constantFrom('msteams', 'msteams', 'webchat', 'directline', 'emulator')),
      // A serviceUrl that is a URL is the loopback connector's: replies never leave this machine.
      serviceUrl: fc.oneof(
        { weight: 40, arbitrary: fc.constant(world.serviceUrl) },
        {
          weight: 1,
          arbitrary: fc.constantFrom('', 'not a url', 'javascript:alert(1)', 'file:///etc/passwd'),
        },
        { weight: 1, arbitrary: fc.constantFrom(DROP, null, 42, {}, [], true) },
      ),
      from: rarely(sender(world)),
      recipient: rarely(fc.constant(world.bot)),
      conversation: conversation(world),
      channelData: channelData(world),
      timestamp: fc.option(fc.constantFrom('2024-01-01T00:00:00Z', 'yesterday', '', '9999-99-99'), {
        nil: DROP,
      }),
      localTimestamp: optionally(fc.constant('2024-01-01T10:00:00.000+02:00')),
      locale: optionally(fc.constantFrom('en-US', 'fr-FR', '')),
      replyToId: optionally(fc.constantFrom('activity-card', '1700000000000', '')),
      entities: optionally(
        fc.oneof(
          {
            weight: 10,
            arbitrary: fc.constant([
              { type: 'mention', text: `<at>${world.bot.name}</at>`, mentioned: world.bot },
            ]),
          },
          {
            weight: 1,
            arbitrary: fc.array(
              fc.dictionary(fc.constantFrom('type', 'text', 'mentioned', 'id'), anyJson()),
              {
                maxLength: 3,
              },
            ),
          },
        ),
      ),
      deliveryMode: fc.oneof(
        { weight: 40, arbitrary: fc.constant(DROP) },
        { weight: 2, arbitrary: fc.constantFrom('normal', 'expectReplies', 'notification') },
        { weight: 1, arbitrary: anyJson() },
      ),
    })
    .map(withoutDropped);
}

/** A message: commands, resets with hostile names, answers, nonsense; text possibly of the wrong type. */
function message(world: FuzzWorld): fc.Arbitrary<Record<string, unknown>> {
  const text = fc.oneof(
    { weight: 4, arbitrary: anyString().map((name) => `reset password for ${name}`) },
    { weight: 2, arbitrary: anyString().map((name) => `<at>${world.bot.name}</at> reset ${name}`) },
    { weight: 1, arbitrary: fc.constantFrom('help', 'cancel', 'sign out', 'reset', 'reset megan') },
    { weight: 2, arbitrary: anyString() },
    { weight: 1, arbitrary: anyJson() },
  );
  return fc
    .tuple(envelope(world), fc.record({ text: rarely(text), value: fc.option(anyJson(), { nil: DROP }) }))
    .map(([base, fields]) => withoutDropped({ ...base, type: 'message', ...fields }));
}

/** What a click on a card sends as `data`: shaped like ours, with real or forged ids, or anything. */
function cardData(world: FuzzWorld): fc.Arbitrary<unknown> {
  const userId = fc.oneof(fc.constantFrom(...world.userIds), fc.uuid({ version: 4 }), anyJson());
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ selectionId: pendingIdFrom(world.selectionIds), userId }) },
    {
      weight: 3,
      arbitrary: fc.record(
        {
          resetId: pendingIdFrom(world.resetIds),
          revokeSessions: mutate(fc.constantFrom('true', 'false')),
          requireMfa: mutate(fc.constantFrom('true', 'false')),
        },
        { requiredKeys: ['resetId'] },
      ),
    },
    { weight: 1, arbitrary: anyJson() },
    { weight: 1, arbitrary: fc.dictionary(anyString(), anyJson(), { maxKeys: 4 }) },
  );
}

/** An `adaptiveCard/action` invoke: Teams' shape, or one of its parts missing or of the wrong type. */
function cardInvoke(world: FuzzWorld): fc.Arbitrary<Record<string, unknown>> {
  const verb = fc.oneof(
    { weight: 20, arbitrary: fc.constantFrom(...KNOWN_VERBS) },
    { weight: 1, arbitrary: anyString() },
    { weight: 1, arbitrary: anyJson() },
  );
  const action = fc.oneof(
    {
      weight: 20,
      arbitrary: fc
        .record({
          type: rarely(
            fc.oneof(
              { weight: 20, arbitrary: fc.constant('Action.Execute') },
              { weight: 1, arbitrary: fc.constantFrom('Action.Submit', 'Action.OpenUrl', '') },
            ),
          ),
          id: rarely(fc.string({ maxLength: 10 })),
          verb: rarely(verb),
          data: rarely(cardData(world)),
        })
        .map(withoutDropped),
    },
    { weight: 1, arbitrary: anyJson() },
  );
  const value = fc.oneof(
    {
      weight: 20,
      arbitrary: fc
        .record({ action: rarely(action), trigger: rarely(fc.constantFrom('manual', 'automatic')) })
        .map(withoutDropped),
    },
    { weight: 1, arbitrary: fc.constant(DROP) },
    { weight: 1, arbitrary: anyJson() },
  );
  return fc
    .tuple(envelope(world), value)
    .map(([base, invokeValue]) =>
      withoutDropped({ ...base, type: 'invoke', name: 'adaptiveCard/action', value: invokeValue }),
    );
}

/** Any other invoke: names Teams uses for features the bot does not have, and names nobody uses. */
function otherInvoke(world: FuzzWorld): fc.Arbitrary<Record<string, unknown>> {
  const name = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...INVOKE_NAMES.filter((n) => n !== 'adaptiveCard/action')) },
    { weight: 2, arbitrary: anyString() },
    { weight: 1, arbitrary: fc.constant(DROP) },
    { weight: 1, arbitrary: anyJson() },
  );
  return fc
    .tuple(envelope(world), name, fc.option(anyJson(), { nil: DROP }))
    .map(([base, invokeName, value]) => withoutDropped({ ...base, type: 'invoke', name: invokeName, value }));
}

/** Other activity types Teams sends (conversation updates, reactions…) and types nobody sends. */
function otherActivity(world: FuzzWorld): fc.Arbitrary<Record<string, unknown>> {
  const type = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'conversationUpdate',
        'installationUpdate',
        'messageReaction',
        'messageUpdate',
        'messageDelete',
        'typing',
        'event',
        'endOfConversation',
        'trace',
        'handoff',
        'command',
      ),
    },
    { weight: 1, arbitrary: anyString() },
  );
  return fc
    .tuple(
      envelope(world),
      type,
      fc.record({
        membersAdded: optionally(
          fc.constantFrom([world.bot], [world.requester], [world.bot, ...world.others]),
        ),
        membersRemoved: optionally(fc.constant([world.bot])),
        reactionsAdded: optionally(fc.constant([{ type: 'like' }])),
        name: optionally(anyString()),
        value: fc.option(anyJson(), { nil: DROP }),
        action: optionally(fc.constantFrom('add', 'remove')),
      }),
    )
    .map(([base, activityType, fields]) => withoutDropped({ ...base, type: activityType, ...fields }));
}

/** A Teams-shaped message or click with one huge string where a short one belongs. */
function hugeActivity(world: FuzzWorld): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(
      fc.oneof(message(world), cardInvoke(world)),
      // Not the ids, which end up in the connector's URLs (the shape check caps them; its test shows it).
      fc.constantFrom('text', 'name', 'locale', 'serviceUrl'),
      hugeString(),
    )
    .map(([activity, field, huge]) =>
      field === 'text' ? { ...activity, text: `reset password for ${huge}` } : { ...activity, [field]: huge },
    );
}

/** An activity whose `type` is missing or not a string (the 146 × 500). */
function typeless(world: FuzzWorld): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(
      envelope(world),
      fc.oneof(
        fc.constant(DROP),
        anyJson().filter((v) => typeof v !== 'string'),
      ),
    )
    .map(([base, type]) => withoutDropped({ ...base, type, text: 'reset megan' }));
}

const json =
  (family: string) =>
  (value: unknown): HostileRequest => ({
    family,
    contentType: 'application/json',
    body: JSON.stringify(value) ?? 'null',
  });

/** Every kind of hostile request, weighted so that each part of the bot gets its share. */
export function hostileRequests(world: FuzzWorld): fc.Arbitrary<HostileRequest> {
  return fc.oneof(
    { weight: 10, arbitrary: anyJson().map(json('json')) },
    {
      weight: 5,
      arbitrary: fc.oneof(
        fc
          .constantFrom('{', '{"type":', 'not json', '', '\u0000', '[1,2', '{"type":"message"}}')
          .map((body): HostileRequest => ({ family: 'raw', contentType: 'application/json', body })),
        fc
          .constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream')
          .map((contentType): HostileRequest => ({
            family: 'raw',
            contentType,
            body: 'type=message&text=reset',
          })),
      ),
    },
    { weight: 5, arbitrary: typeless(world).map(json('typeless')) },
    { weight: 1, arbitrary: hugeActivity(world).map(json('huge')) },
    { weight: 20, arbitrary: message(world).map(json('message')) },
    { weight: 30, arbitrary: cardInvoke(world).map(json('card-invoke')) },
    { weight: 15, arbitrary: otherInvoke(world).map(json('other-invoke')) },
    { weight: 10, arbitrary: otherActivity(world).map(json('other-activity')) },
  );
}
