import CONFIG_GET from './CONFIG_GET.js';
import CONFIG_LOADBACKEND from './CONFIG_LOADBACKEND.js';
import CONFIG_SET from './CONFIG_SET.js';
import DAGEXECUTE from './DAGEXECUTE.js';
import DAGEXECUTE_RO from './DAGEXECUTE_RO.js';
import INFO from './INFO.js';
import INFO_RESETSTAT from './INFO_RESETSTAT.js';
import MODELDEL from './MODELDEL.js';
import MODELEXECUTE from './MODELEXECUTE.js';
import MODELGET from './MODELGET.js';
import MODELGET_META from './MODELGET_META.js';
import MODELRUN from './MODELRUN.js';
import MODELSCAN from './MODELSCAN.js';
import MODELSET from './MODELSET.js';
import MODELSTORE from './MODELSTORE.js';
import SCRIPTDEL from './SCRIPTDEL.js';
import SCRIPTEXECUTE from './SCRIPTEXECUTE.js';
import SCRIPTGET from './SCRIPTGET.js';
import SCRIPTGET_META from './SCRIPTGET_META.js';
import SCRIPTRUN from './SCRIPTRUN.js';
import SCRIPTSCAN from './SCRIPTSCAN.js';
import SCRIPTSET from './SCRIPTSET.js';
import SCRIPTSTORE from './SCRIPTSTORE.js';
import TENSORGET from './TENSORGET.js';
import TENSORSET from './TENSORSET.js';

/**
 * The AI.* commands as a node-redis module: `createClient({ modules: { ai: AI } })`, then
 * `client.ai.tensorSet(...)`. Commands whose replies carry binary data (TENSORGET BLOB,
 * MODELGET, DAGEXECUTE) must be sent through `client.withTypeMapping(AI_TYPE_MAPPING)`.
 */
export default {
  TENSORSET,
  tensorSet: TENSORSET,
  TENSORGET,
  tensorGet: TENSORGET,
  MODELSET,
  modelSet: MODELSET,
  MODELSTORE,
  modelStore: MODELSTORE,
  MODELGET,
  modelGet: MODELGET,
  MODELGET_META,
  modelMeta: MODELGET_META,
  MODELDEL,
  modelDel: MODELDEL,
  MODELRUN,
  modelRun: MODELRUN,
  MODELEXECUTE,
  modelExecute: MODELEXECUTE,
  MODELSCAN,
  modelScan: MODELSCAN,
  SCRIPTSET,
  scriptSet: SCRIPTSET,
  SCRIPTSTORE,
  scriptStore: SCRIPTSTORE,
  SCRIPTGET,
  scriptGet: SCRIPTGET,
  SCRIPTGET_META,
  scriptMeta: SCRIPTGET_META,
  SCRIPTDEL,
  scriptDel: SCRIPTDEL,
  SCRIPTRUN,
  scriptRun: SCRIPTRUN,
  SCRIPTEXECUTE,
  scriptExecute: SCRIPTEXECUTE,
  SCRIPTSCAN,
  scriptScan: SCRIPTSCAN,
  DAGEXECUTE,
  dagExecute: DAGEXECUTE,
  DAGEXECUTE_RO,
  dagExecuteRo: DAGEXECUTE_RO,
  INFO,
  info: INFO,
  INFO_RESETSTAT,
  resetStat: INFO_RESETSTAT,
  CONFIG_LOADBACKEND,
  loadBackend: CONFIG_LOADBACKEND,
  CONFIG_GET,
  configGet: CONFIG_GET,
  CONFIG_SET,
  configSet: CONFIG_SET,
} as const;
