import CONFIG_LOADBACKEND from './CONFIG_LOADBACKEND.js';
import INFO from './INFO.js';
import INFO_RESETSTAT from './INFO_RESETSTAT.js';
import MODELDEL from './MODELDEL.js';
import MODELGET from './MODELGET.js';
import MODELRUN from './MODELRUN.js';
import MODELSET from './MODELSET.js';
import SCRIPTDEL from './SCRIPTDEL.js';
import SCRIPTGET from './SCRIPTGET.js';
import SCRIPTRUN from './SCRIPTRUN.js';
import SCRIPTSET from './SCRIPTSET.js';
import TENSORGET from './TENSORGET.js';
import TENSORSET from './TENSORSET.js';

/**
 * The AI.* commands as a node-redis module: `createClient({ modules: { ai: AI } })`, then
 * `client.ai.tensorSet(...)`. Commands whose replies carry binary data (TENSORGET BLOB,
 * MODELGET) must be sent through `client.withTypeMapping(AI_TYPE_MAPPING)`.
 */
export default {
  TENSORSET,
  tensorSet: TENSORSET,
  TENSORGET,
  tensorGet: TENSORGET,
  MODELSET,
  modelSet: MODELSET,
  MODELGET,
  modelGet: MODELGET,
  MODELDEL,
  modelDel: MODELDEL,
  MODELRUN,
  modelRun: MODELRUN,
  SCRIPTSET,
  scriptSet: SCRIPTSET,
  SCRIPTGET,
  scriptGet: SCRIPTGET,
  SCRIPTDEL,
  scriptDel: SCRIPTDEL,
  SCRIPTRUN,
  scriptRun: SCRIPTRUN,
  INFO,
  info: INFO,
  INFO_RESETSTAT,
  resetStat: INFO_RESETSTAT,
  CONFIG_LOADBACKEND,
  loadBackend: CONFIG_LOADBACKEND,
} as const;
