import { createRequire } from 'node:module';

/**
 * Loaded with `node --require` into the two bots the benchmark starts, never into production. botbuilder gets
 * the token for its replies to the Bot Connector through MSAL, and MSAL asks login.microsoftonline.com to vouch
 * for any sign-in host it does not know (instance discovery), which the simulated tenant's host is not and
 * which this machine cannot reach. This adds the simulator's host to MSAL's `knownAuthorities`, as a
 * deployment in a sovereign or private cloud would configure it (simulator/README.md, "Outbound credentials",
 * verified that configuration). Nothing else changes, and only for a client of that host.
 *
 * botframework-connector keeps its own copy of MSAL (not the one `@azure/identity` uses), so the copy is
 * resolved from there; the layout's rules see no import because there is none to see in the bot.
 */
interface MsalConfiguration {
  auth: { authority?: string; knownAuthorities?: string[] } & Record<string, unknown>;
}
type MsalClient = new (configuration: MsalConfiguration) => object;

const simulatorHost = process.env.BENCH_TRUSTED_AUTHORITY_HOST;
if (simulatorHost) {
  const connectorRequire = createRequire(require.resolve('botframework-connector'));
  const msal = connectorRequire('@azure/msal-node') as { ConfidentialClientApplication: MsalClient };
  const Original = msal.ConfidentialClientApplication;
  msal.ConfidentialClientApplication = class extends Original {
    constructor(configuration: MsalConfiguration) {
      const authority = configuration.auth.authority;
      const forSimulator =
        authority !== undefined && URL.canParse(authority) && new URL(authority).host === simulatorHost;
      super(
        forSimulator
          ? { ...configuration, auth: { ...configuration.auth, knownAuthorities: [simulatorHost ?? ''] } }
          : configuration,
      );
    }
  };
}
