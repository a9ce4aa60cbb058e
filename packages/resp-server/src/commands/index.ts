import type { CommandSpec } from '../command-table.js';
import { acl } from './acl.js';
import { aiConfig } from './ai-config.js';
import { aiDagexecute, aiDagexecuteRo, aiDagrun, aiDagrunRo } from './ai-dag.js';
import { aiInfo } from './ai-info.js';
import { aiModeldel } from './ai-modeldel.js';
import { aiModelexecute } from './ai-modelexecute.js';
import { aiModelget } from './ai-modelget.js';
import { aiModelrun } from './ai-modelrun.js';
import { aiModelset } from './ai-modelset.js';
import { aiModelstore } from './ai-modelstore.js';
import { aiModelscan, aiScriptscan } from './ai-scan.js';
import { aiScriptdel } from './ai-scriptdel.js';
import { aiScriptexecute } from './ai-scriptexecute.js';
import { aiScriptget } from './ai-scriptget.js';
import { aiScriptrun } from './ai-scriptrun.js';
import { aiScriptset } from './ai-scriptset.js';
import { aiScriptstore } from './ai-scriptstore.js';
import { aiTensorget } from './ai-tensorget.js';
import { aiTensorset } from './ai-tensorset.js';
import { auth } from './auth.js';
import { client } from './client.js';
import { command } from './command.js';
import { config } from './config.js';
import { dbsize } from './dbsize.js';
import { debug } from './debug.js';
import { del, unlink } from './del.js';
import { echo } from './echo.js';
import { exists } from './exists.js';
import { flushall, flushdb } from './flush.js';
import { hello } from './hello.js';
import { info } from './info.js';
import { keys } from './keys.js';
import { ping } from './ping.js';
import { quit } from './quit.js';
import { bgrewriteaof, bgsave, lastsave, save } from './save.js';
import { scan } from './scan.js';
import { select } from './select.js';
import { shutdown } from './shutdown.js';
import { discard, exec, multi, unwatch, watch } from './transactions.js';
import { type } from './type.js';

/** Every command the server knows: the one table everything else derives from. */
export const COMMANDS: readonly CommandSpec[] = [
  // connection
  ping,
  echo,
  hello,
  auth,
  select,
  quit,
  client,
  // generic keyspace
  exists,
  del,
  unlink,
  type,
  keys,
  scan,
  // server
  acl,
  command,
  info,
  config,
  dbsize,
  flushdb,
  flushall,
  save,
  bgsave,
  bgrewriteaof,
  lastsave,
  debug,
  shutdown,
  // transactions
  multi,
  exec,
  discard,
  watch,
  unwatch,
  // RedisAI v0.9
  aiTensorset,
  aiTensorget,
  aiModelset,
  aiModelget,
  aiModeldel,
  aiModelrun,
  aiScriptset,
  aiScriptget,
  aiScriptdel,
  aiScriptrun,
  aiInfo,
  aiConfig,
  // RedisAI 1.2
  aiModelstore,
  aiModelexecute,
  aiModelscan,
  aiScriptstore,
  aiScriptexecute,
  aiScriptscan,
  aiDagexecute,
  aiDagexecuteRo,
  aiDagrun,
  aiDagrunRo,
];
