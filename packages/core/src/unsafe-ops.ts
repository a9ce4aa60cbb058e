/** How an operator lifts the safe-op policy; every refusal under it ends with this. */
export const ALLOW_UNSAFE_OPS_HINT = 'set --allow-unsafe-ops yes to load trusted models';

/** A model or script uses what the safe-op policy refuses (`BackendConfig.allowUnsafeOps` false). */
export class UnsafeOpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeOpError';
  }
}

/**
 * The error a backend rejects MODELSET / SCRIPTSET with under the safe-op policy, e.g.
 * `op 'ReadFile' (node 'x') is not allowed: it reads files; set --allow-unsafe-ops yes to load trusted models`.
 * The engine replies with it as it is (`ERR op 'ReadFile' ...`), as it replies with any backend's reason.
 */
export function unsafeOpError(subject: string, reason: string): UnsafeOpError {
  return new UnsafeOpError(`${subject} is not allowed: ${reason}; ${ALLOW_UNSAFE_OPS_HINT}`);
}
