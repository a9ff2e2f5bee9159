/** A rules file that does not parse: refused with the place to fix. */
export class RulesSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${reason} at line ${line}, column ${column}`);
    this.name = 'RulesSyntaxError';
  }
}

/**
 * An evaluation error: in the rules language an error is a value that `&&`, `||` and the ternary
 * may absorb; anywhere else it makes the allow statement fail.
 */
export class RulesEvalError extends Error {
  /** Where in the rules source the failing expression starts, once known. */
  line?: number;
  column?: number;

  constructor(message: string) {
    super(message);
    this.name = 'RulesEvalError';
  }
}
