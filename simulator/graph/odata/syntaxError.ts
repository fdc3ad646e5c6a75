/** Malformed `$filter` or `$search`; the server answers 400 `BadRequest` ("Invalid filter clause" for filters). */
export class ODataSyntaxError extends Error {
  constructor(
    message: string,
    /** Zero-based offset in the query text where the problem was found, when there is one. */
    readonly position?: number,
  ) {
    super(message);
    this.name = 'ODataSyntaxError';
  }
}

const EXCERPT_LENGTH = 100;

/** The query text as Graph quotes it in its error messages, shortened so that errors stay short. */
export function excerpt(text: string): string {
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
}

/** Graph's (Microsoft.OData.Core's) message shape: "<what> at position <n> in '<text>'." */
export function syntaxError(what: string, position: number, text: string): ODataSyntaxError {
  return new ODataSyntaxError(`${what} at position ${position} in '${excerpt(text)}'.`, position);
}
