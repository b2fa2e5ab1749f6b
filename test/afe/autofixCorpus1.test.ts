/**
 * AutoFix acceptance over the first half of the failing-agent corpus (provider and transport failures): see
 * autofixCorpusSuite.ts for what each test proves.
 */
import { CORPUS } from '../agents/afe/corpus.js';
import { corpusSuite } from './autofixCorpusSuite.js';

corpusSuite('fix --no-ai on the corpus, provider and transport failures', CORPUS.slice(0, 7));
