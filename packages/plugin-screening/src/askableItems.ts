import type { InstrumentDefinition, InstrumentItem } from './instrumentDefinition.js';

/**
 * One answer: an answer option's value for choice items, yes (true) or no (false) for boolean ones.
 *
 * @example
 * ```ts
 * const gad7Item1: AnswerValue = 2; // 'More than half the days'
 * const cssrsItem1: AnswerValue = false; // no
 * ```
 */
export type AnswerValue = number | boolean;
/**
 * Answers keyed by item linkId. Items that skip logic leaves out must be left out.
 *
 * @example
 * ```ts
 * const answers: Answers = { '1': 2, '2': 2, '3': 1, '4': 2, '5': 1, '6': 1, '7': 2 };
 * scoreResponse(GAD7, answers).total; // 11
 * ```
 */
export type Answers = Readonly<Record<string, AnswerValue>>;

/**
 * The items to ask given the answers so far, in order, applying each item's skip logic
 * (`enableWhen`): an item is asked when its conditions on earlier, asked items hold. A form shows
 * these; scoring accepts answers to these only.
 *
 * @example
 * ```ts
 * askableItems(CSSRS, { '1': true, '2': false }).map((i) => i.linkId); // ['1', '2', '6']
 * ```
 */
export function askableItems(definition: InstrumentDefinition, answers: Answers): InstrumentItem[] {
  const asked = new Set<string>();
  const result: InstrumentItem[] = [];
  for (const item of definition.items) {
    if (isAsked(item, asked, answers)) {
      asked.add(item.linkId);
      result.push(item);
    }
  }
  return result;
}

/** True when the item's conditions hold; a condition on an item not asked never holds. */
export function isAsked(item: InstrumentItem, asked: ReadonlySet<string>, answers: Answers): boolean {
  const conditions = item.enableWhen;
  if (conditions === undefined || conditions.length === 0) return true;
  const holds = (c: { linkId: string; equals: AnswerValue }) => asked.has(c.linkId) && Object.hasOwn(answers, c.linkId) && answers[c.linkId] === c.equals;
  return item.enableBehavior === 'any' ? conditions.some(holds) : conditions.every(holds);
}
