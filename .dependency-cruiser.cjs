/**
 * The layout's rules: each folder may import only the folders below it (README, "Layout"), the domain (core/)
 * imports no framework at all, and the Bot Framework, the Graph SDK and the identity library each stay in the
 * one folder that adapts them. `npm run lint` runs these, so `npm test` fails on a violation.
 */
const FOLDERS = [
  'bot',
  'dialogs',
  'cards',
  'core',
  'graph',
  'storage',
  'doctor',
  'simulator',
  'demo',
  'bench',
  'manifest',
  'test',
];

/** Any folder of this repository except the given ones. */
const foldersExcept = (...allowed) =>
  `^(${FOLDERS.filter((folder) => !allowed.includes(folder)).join('|')})/`;

const BOT_FRAMEWORK = '^node_modules/(botbuilder|botbuilder-[a-z-]+|botframework-[a-z-]+)/';
const BOT_FRAMEWORK_BLOB_STORAGE = '^node_modules/botbuilder-azure-blobs/';
const GRAPH_SDK = '^node_modules/@microsoft/microsoft-graph-client/';
const IDENTITY = '^node_modules/@azure/(identity|msal-node)/';
const HTTP_SERVER = '^node_modules/restify/';

/**
 * `folder` may import itself and `mayImport`, and no other folder of this repository; `andFiles`, if given, is a
 * path pattern of single files elsewhere it may import too.
 */
const layer = (name, folder, mayImport, comment, andFiles) => ({
  name,
  severity: 'error',
  comment,
  from: { path: `^${folder}/` },
  to:
    andFiles === undefined
      ? { path: foldersExcept(folder, ...mayImport) }
      : { path: foldersExcept(folder, ...mayImport), pathNot: andFiles },
});

/** A package that only `folders` (and the tests) may import; `except`, if given, is left to another rule. */
const onlyIn = (name, folders, packagePath, comment, except) => ({
  name,
  severity: 'error',
  comment,
  from: { pathNot: `^(${[...folders, 'test'].join('|')})/` },
  to: except === undefined ? { path: packagePath } : { path: packagePath, pathNot: except },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle means two modules are one module; merge them or move what they share below both.',
      from: {},
      to: { circular: true },
    },
    layer(
      'bot-layer',
      'bot',
      ['dialogs', 'cards', 'core', 'graph', 'storage'],
      'bot/ wires everything; nothing wires bot/.',
    ),
    layer(
      'dialogs-layer',
      'dialogs',
      ['cards', 'core'],
      'The conversation asks the use cases and shows their answers.',
    ),
    layer('cards-layer', 'cards', ['core'], 'Cards present what the use cases return; they decide nothing.'),
    layer('graph-layer', 'graph', ['core'], 'The Graph adapter implements core/ ports and nothing else.'),
    layer('storage-layer', 'storage', ['core'], 'Stores implement core/ ports and nothing else.'),
    layer(
      'doctor-layer',
      'doctor',
      ['bot', 'graph', 'core'],
      "The preflight reads the bot's configuration and signs in with the bot's own credential and Graph client.",
    ),
    layer(
      'simulator-layer',
      'simulator',
      [],
      'The simulated tenant shares no code with the bot, so that a test against it tests the bot, not itself.',
    ),
    layer('demo-layer', 'demo', ['simulator'], 'The demo runs the built bot and simulator as processes.'),
    layer(
      'bench-layer',
      'bench',
      ['graph', 'core', 'simulator', 'demo'],
      "The benchmark drives the Graph adapter against the simulator, and runs the built bots as processes (demo/'s " +
        "child processes) against it. It signs the channel's tokens with the tests' OpenID/JWKS stand-in, shared " +
        'rather than copied; nothing else of test/.',
      '^test/support/openIdStandIn\\.ts$',
    ),
    layer('manifest-layer', 'manifest', [], 'The Teams package stands alone.'),
    {
      name: 'adapters-only-in-the-composition-root',
      severity: 'error',
      comment:
        'Within bot/, only the wiring (app.ts, stateStores.ts) and the configuration (config.ts) choose the Graph ' +
        'adapter and the stores; everything else talks to core/ ports.',
      from: { path: '^bot/', pathNot: '^bot/(app|config|stateStores)\\.ts$' },
      to: { path: '^(graph|storage)/' },
    },
    {
      name: 'core-is-framework-free',
      severity: 'error',
      comment:
        'The use cases, rules and ports import only core/ and Node built-ins: no botbuilder, Graph client, ' +
        'identity library, web server or other package, so that moving to another bot SDK or store leaves them as they are.',
      from: { path: '^core/' },
      to: { pathNot: '^core/', dependencyTypesNot: ['core'] },
    },
    onlyIn(
      'bot-framework-only-in-bot-and-dialogs',
      // bench/echoBot/: the benchmark's baseline, a bare botbuilder echo bot on the bot's server stack.
      ['bot', 'dialogs', 'bench/echoBot'],
      BOT_FRAMEWORK,
      'botbuilder lives in the Teams layer only; its successors differ there and nowhere else.',
      BOT_FRAMEWORK_BLOB_STORAGE,
    ),
    // The one exception to the rule above: storage/ may use botbuilder's Blob Storage adapter (BlobsStorage,
    // in storage/blobStateStore.ts), which talks to Azure Blob Storage, not to Teams. storage/ still imports no
    // other botbuilder package, and the StateStore port it implements is botbuilder-free.
    onlyIn(
      'bot-framework-blob-storage-only-in-storage',
      ['bot', 'dialogs', 'storage'],
      BOT_FRAMEWORK_BLOB_STORAGE,
      "botbuilder's Blob Storage adapter is a store: the Teams layer and storage/ may use it, nothing else.",
    ),
    onlyIn(
      'graph-sdk-and-identity-only-in-graph',
      ['graph'],
      `${GRAPH_SDK}|${IDENTITY}`,
      'Microsoft Graph and Entra sign-in are reached through the directory adapter only.',
    ),
    onlyIn(
      'web-server-only-in-bot',
      ['bot', 'bench/echoBot'],
      HTTP_SERVER,
      "The HTTP front door is part of the Teams layer (and of the benchmark's echo bot, which stands beside it).",
    ),
    {
      name: 'no-dev-dependencies-in-production-code',
      severity: 'error',
      comment: 'npm ci --omit=dev must leave a bot that starts.',
      from: { path: '^(bot|dialogs|cards|core|graph|storage|doctor)/' },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'no-unresolvable-imports',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|\\.sim-state)/' },
    // Type-only imports count: a folder that needs another's types depends on it all the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Resolve packages as Node does for this CommonJS build: through their `exports` (csv-stringify/sync).
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['require', 'node', 'default', 'types'],
    },
    reporterOptions: {
      mermaid: { minify: false },
    },
  },
};
