import type { CallLog } from './control/callLog';
import type { FaultRegistry } from './control/faults';
import type { Directory } from './directory/directory';
import type { AuthorizationCodes } from './auth/authorizationCodes';
import type { TokenService } from './auth/tokenService';
import type { UserTokenStore } from './botFramework/userTokenStore';

export interface RegisteredCertificate {
  certPem: string;
  sha1: string;
  sha256: string;
}

/** Everything a handler may need; one per running simulator. */
export interface SimulatorContext {
  /** The tenant's current state; `POST /_sim/reset` replaces it with a fresh copy of the fixture. */
  directory: Directory;
  /** A fresh copy of the fixture, with the licence given at start. */
  readonly rebuildDirectory: () => Directory;
  readonly tokens: TokenService;
  /** Codes issued by `/{tenant}/oauth2/v2.0/authorize`; cleared by `POST /_sim/reset`. */
  readonly authorizationCodes: AuthorizationCodes;
  /** The Bot Framework token service's stored user tokens and pending sign-ins; cleared by reset. */
  readonly userTokens: UserTokenStore;
  /** Certificates registered on apps whose fixture says `generatedCertificateCredential`. */
  readonly generatedAppCertificate: RegisteredCertificate;
  readonly faults: FaultRegistry;
  readonly calls: CallLog;
  /** Added to every Graph call (not to the token endpoint or `/_sim/`). */
  latencyMs: number;
  readonly initialLatencyMs: number;
  readonly controlKey: string;
}
