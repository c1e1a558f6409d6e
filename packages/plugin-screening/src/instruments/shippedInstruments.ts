import type { InstrumentDefinition } from '../instrumentDefinition.js';
import { CADSS, CADSS6 } from './cadss.js';
import { CSSRS } from './cssrs.js';
import { GAD2 } from './gad2.js';
import { GAD7 } from './gad7.js';
import { HAMA } from './hamA.js';
import { LSAS } from './lsas.js';
import { MOAAS } from './moaas.js';
import { PHQ2 } from './phq2.js';
import { PHQ9 } from './phq9.js';
import { SPIN } from './spin.js';
import { YBOCS } from './ybocs.js';

/**
 * Every instrument this package ships, in the order of DOMAIN.md's table. Pass your own list to
 * `createScreening({ instruments: [...SHIPPED_INSTRUMENTS, yours] })` to add instruments.
 *
 * @example
 * ```ts
 * SHIPPED_INSTRUMENTS.map((d) => d.id); // ['GAD-7', 'PHQ-9', 'GAD-2', 'PHQ-2', 'HAM-A', 'SPIN', 'Y-BOCS', 'LSAS', 'C-SSRS', 'CADSS', 'CADSS-6', 'MOAA/S']
 * const screening = createScreening({ instruments: [...SHIPPED_INSTRUMENTS, wellbeing] });
 * ```
 */
export const SHIPPED_INSTRUMENTS: readonly InstrumentDefinition[] = Object.freeze([GAD7, PHQ9, GAD2, PHQ2, HAMA, SPIN, YBOCS, LSAS, CSSRS, CADSS, CADSS6, MOAAS]);
