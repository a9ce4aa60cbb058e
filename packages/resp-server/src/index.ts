export { type CommandKey, type KeysFunction, commandKeys, keyAt } from './command-keys.js';
export {
  type CommandDeclaration,
  type CommandFlag,
  type CommandHandler,
  type CommandSpec,
  CommandTable,
  aiCommand,
  arityOk,
  command,
  wrongArity,
} from './command-table.js';
export {
  type BeginSearch,
  type FindKeys,
  KeyFlag,
  type KeySpec,
  type KeySpecDeclaration,
  type KeySpecFlag,
  type LegacyKeyRange,
  keyFlagNames,
} from './key-specs.js';
export { COMMANDS } from './commands/index.js';
export type { ClientState, CommandContext, ServerContext } from './context.js';
export { admit, needsAdmission } from './admission.js';
export { AclUser } from './acl/user.js';
export { AclUsers } from './acl/users.js';
export { BACKEND_DECLARATION_FIELD, checkBackendRequest } from './backend-gate.js';
export { type LoggerOptions, type ServerLogger, createLogger } from './logger.js';
export { MODEL_NATIVE_BYTES_PER_BLOB_BYTE } from './memory.js';
export { type SecurityOptions, type SecuritySettings } from './security-options.js';
export { ServerConfig, type ServerSettings } from './config.js';
export { DEFAULT_MAX_BULK_LENGTH, ProtocolError, RespParser, type ParserOptions, splitInlineArgs } from './resp-parser.js';
export { type Protocol, type ReplySink, RespWriter } from './resp-writer.js';
export {
  type BackendToLoad,
  DEFAULT_BIND,
  DEFAULT_PORT,
  type ListenAddress,
  type ListenResult,
  ModelkvServer,
  type ServerOptions,
  createServer,
} from './server.js';
