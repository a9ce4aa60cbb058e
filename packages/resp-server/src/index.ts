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
export { ServerConfig, type ServerSettings } from './config.js';
export { DEFAULT_MAX_BULK_LENGTH, ProtocolError, RespParser, type ParserOptions, splitInlineArgs } from './resp-parser.js';
export { type Protocol, type ReplySink, RespWriter } from './resp-writer.js';
export {
  type BackendToLoad,
  DEFAULT_BIND,
  DEFAULT_PORT,
  type ListenAddress,
  ModelkvServer,
  type ServerOptions,
  createServer,
} from './server.js';
