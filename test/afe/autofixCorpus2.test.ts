/**
 * AutoFix acceptance over the second half of the failing-agent corpus (failures in what the agent does with the
 * values it got): see autofixCorpusSuite.ts for what each test proves.
 */
import { CORPUS } from '../agents/afe/corpus.js';
import { corpusSuite } from './autofixCorpusSuite.js';

corpusSuite('fix --no-ai on the corpus, failures in what the agent does with its inputs', CORPUS.slice(7));
