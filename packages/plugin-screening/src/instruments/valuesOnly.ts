/** Answers 0..max with no wording (licensed instruments: the host supplies the anchors). */
export function valuesOnly(max: number): { value: number }[] {
  return Array.from({ length: max + 1 }, (_, value) => ({ value }));
}
