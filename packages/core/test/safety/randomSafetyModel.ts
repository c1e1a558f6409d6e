// A random, valid clinic protocol for each walk: every number the invariant checks use is drawn
// within bounds a clinic may configure (the esketamine route within its label minimums), so the
// walks also reach what a clinic's own configuration allows, not only the suite's fixed protocol.
import type { KetamineRoute } from '../../src/index.js';
import { ROUTE_MODEL, type RouteModel, type SafetyModel } from './model.js';
import type { Rand } from './rand.js';

const orNull = <T>(r: Rand, p: number, value: () => T): T | null => (r.chance(p) ? null : value());

/** Numbers every route draws the same way (within what the walk's generator stays inside). */
function common(r: Rand, base: RouteModel): Omit<RouteModel, 'setting' | 'medication' | 'requiresRems' | 'mgPerDevice' | 'dosing' | 'clinicianCheckInAfterDays'> {
  return {
    observationMinutes: base.observationMinutes,
    bpCheckAtMinutes: base.bpCheckAtMinutes,
    // At least 4: a reading every 10 minutes or so then always falls in the check's window.
    checkToleranceMinutes: r.int(4, 8),
    vitalsEveryMinutes: base.vitalsEveryMinutes,
    preDoseBpLimit: { systolic: r.int(135, 150), diastolic: r.int(85, 95) },
    discharge: {
      bpLimit: { systolic: r.int(135, 150), diastolic: r.int(85, 95) },
      baselineToleranceMmHg: r.int(0, 20),
      minSpO2: r.int(88, 95),
      sedationScore: r.int(4, 5),
      stableWindowMinutes: r.int(10, 60),
      riseToleranceMmHg: r.int(4, 15),
      requiresDissociationAssessment: r.chance(0.3),
    },
    fasting: { foodHours: r.pick([1, 1.5, 2, 3, 4]), liquidMinutes: r.int(15, 60), nasalSteroidOrDecongestantMinutes: null },
    stopRules: {
      repeatedBp: { systolic: r.int(165, 190), diastolic: r.int(100, 115), minutesApart: r.int(3, 10) },
      singleBp: { systolic: r.int(195, 215), diastolic: r.int(118, 130) },
      heartRate: { above: r.int(110, 140), forMinutes: r.int(3, 10) },
      spo2Below: orNull(r, 0.7, () => r.int(85, 90)),
    },
    minHoursBetweenDoses: r.int(12, 30),
    preDoseVitalsMaxAgeMinutes: r.int(25, 90),
    checkInOpensHoursBefore: r.int(2, 24),
  };
}

function esketamine(r: Rand): RouteModel {
  const base = ROUTE_MODEL['esketamine-nasal'];
  const c = common(r, base);
  return {
    ...base,
    ...c,
    // The label: at least 2 h, the check at about 40 min (35-45) from at most 5 min early, a
    // pre-discharge reading within 30 min, dissociation assessed, 56 mg first, whole 28 mg devices.
    observationMinutes: r.int(120, 140),
    bpCheckAtMinutes: r.int(35, 45),
    checkToleranceMinutes: r.int(4, 5),
    vitalsEveryMinutes: orNull(r, 0.7, () => r.int(15, 30)),
    discharge: { ...c.discharge, stableWindowMinutes: r.int(10, 30), requiresDissociationAssessment: true },
    fasting: { ...c.fasting, nasalSteroidOrDecongestantMinutes: r.int(30, 120) },
    dosing: { allowedDosesMg: r.chance(0.3) ? [56] : [56, 84], firstDoseMg: 56, toleranceMg: 0 },
  };
}

function racemic(r: Rand, route: Exclude<KetamineRoute, 'esketamine-nasal'>): RouteModel {
  const base = ROUTE_MODEL[route];
  const c = common(r, base);
  const home = route === 'sublingual-home';
  return {
    ...base,
    ...c,
    observationMinutes: home ? r.int(90, 130) : r.int(45, 90),
    bpCheckAtMinutes: home ? null : route === 'sc' ? orNull(r, 0.3, () => r.int(20, 40)) : r.int(30, 50),
    vitalsEveryMinutes: home ? null : route === 'sc' ? orNull(r, 0.6, () => r.int(15, 30)) : orNull(r, 0.3, () => r.int(10, 30)),
    clinicianCheckInAfterDays: home ? r.int(30, 120) : base.clinicianCheckInAfterDays,
    dosing: home
      ? { allowedDosesMg: r.chance(0.5) ? null : [100, 150], firstDoseMg: r.chance(0.5) ? null : 100, toleranceMg: r.int(0, 3) }
      : { allowedDosesMg: null, firstDoseMg: null, toleranceMg: r.int(0, 3) },
  };
}

/** A valid protocol drawn at random: the numbers of every route, the no-show grace, the reading skew, the REMS form and the hold marks. */
export function randomSafetyModel(r: Rand): SafetyModel {
  return {
    routes: {
      'esketamine-nasal': esketamine(r),
      iv: racemic(r, 'iv'),
      im: racemic(r, 'im'),
      sc: racemic(r, 'sc'),
      'sublingual-home': racemic(r, 'sublingual-home'),
    },
    noShowGraceMinutes: r.int(20, 60),
    readingSkewMinutes: r.int(1, 5),
    remsFormDueDays: r.int(3, 7),
    holdOnPhq9Item9AtLeast: r.int(1, 2),
    holdOnCssrs: r.chance(0.5) ? ['high'] : ['moderate', 'high'],
  };
}
