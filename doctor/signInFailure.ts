/**
 * Turns a failed token request into what an administrator can act on. Entra names the reason with an
 * AADSTS code ("Microsoft Entra authentication and authorization error codes", Learn); @azure/identity puts
 * Entra's answer in the error message.
 */
export interface SignInSubject {
  /** e.g. "the Graph app registration". */
  what: string;
  clientId: string | undefined;
  tenantId: string;
  authorityHost: string;
  /** The variables an administrator changes: the client id's and the secret's or certificate's. */
  clientIdVariable: string;
  credentialVariable: string;
  /** A managed identity fails differently: no identity on this host rather than a refused secret. */
  managedIdentity: boolean;
}

export interface FailureAdvice {
  detail: string;
  fix: string;
}

const CERTIFICATES_AND_SECRETS = 'Entra admin center → App registrations → the app → Certificates & secrets';

export function adviseOnSignInFailure(
  error: unknown,
  subject: SignInSubject,
  secrets: string[],
): FailureAdvice {
  const name = error instanceof Error ? error.name : '';
  const message = scrub(error instanceof Error ? error.message : String(error), secrets);
  const code = /AADSTS(\d+)/.exec(message)?.[1];
  const app = subject.clientId ?? '(none)';

  if (subject.managedIdentity && name === 'CredentialUnavailableError') {
    return {
      detail: `no managed identity is available here (${firstLine(message)})`,
      fix:
        'Run the bot (and this check) on the Azure host the managed identity is assigned to, or set ' +
        'AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH.',
    };
  }
  // MSAL reads the tenant's OpenID configuration first; Entra answers an unknown tenant there with 400
  // AADSTS90002, which MSAL reports without the code.
  if (code === undefined && message.includes('endpoints_resolution_error')) {
    return {
      detail:
        `no sign-in endpoints for tenant ${subject.tenantId} at ${subject.authorityHost} ` +
        '(endpoints_resolution_error): the tenant is unknown there, or the host is unreachable',
      fix:
        'Check AZURE_TENANT_ID (the Directory (tenant) ID), AZURE_AUTHORITY_HOST (the cloud) and that this host ' +
        'can reach it.',
    };
  }
  switch (code) {
    case '7000215':
      return {
        detail: `Entra refused the client secret of app ${app} (AADSTS7000215: invalid client secret)`,
        fix:
          `${subject.credentialVariable} is not a current secret of app ${app}. In ${CERTIFICATES_AND_SECRETS}, ` +
          'create a client secret and copy its Value (not its Secret ID).',
      };
    case '7000222':
      return {
        detail: `the client secret of app ${app} has expired (AADSTS7000222)`,
        fix: `Create a new client secret in ${CERTIFICATES_AND_SECRETS} and put it in ${subject.credentialVariable}.`,
      };
    case '700027':
      return {
        detail: `Entra does not know the certificate presented for app ${app} (AADSTS700027)`,
        fix:
          `Upload the certificate's public part in ${CERTIFICATES_AND_SECRETS}, or point ` +
          `${subject.credentialVariable} at the certificate that is registered there.`,
      };
    case '7000218':
      return {
        detail: `no secret or certificate was sent for app ${app} (AADSTS7000218)`,
        fix: `Set ${subject.credentialVariable}.`,
      };
    case '700016':
      return {
        detail: `app ${app} is not registered in tenant ${subject.tenantId} (AADSTS700016)`,
        fix:
          `Check ${subject.clientIdVariable} (the app registration's Application (client) ID) and ` +
          'AZURE_TENANT_ID: a single-tenant app signs in only in its own tenant.',
      };
    case '90002':
      return {
        detail: `tenant ${subject.tenantId} was not found at ${subject.authorityHost} (AADSTS90002)`,
        fix: 'Check AZURE_TENANT_ID (the Directory (tenant) ID) and AZURE_AUTHORITY_HOST (the cloud).',
      };
    default:
      return {
        detail: `${subject.what} could not sign in: ${firstLine(message)}`,
        fix:
          `Check that ${subject.authorityHost} is reachable from this host, and ${subject.clientIdVariable} ` +
          `and ${subject.credentialVariable}.`,
      };
  }
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** A secret must never reach the table, even if a library were to echo it. */
function scrub(text: string, secrets: string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((t, s) => t.split(s).join('***'), text);
}
