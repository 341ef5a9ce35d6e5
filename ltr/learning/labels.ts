/**
 * Graded labels from what a user did with a shown photo: download 3 > like 2 > click 1 > shown and
 * left alone 0. A skip is a negative: 0 whatever else the user did with the photo in that search
 * (clicked, then said "not this"). LambdaMART's gains are 2^label − 1, so a download is worth seven
 * clicks. A photo that was not shown gets no label at all: nobody looked at it.
 */
export const GRADES: Readonly<Record<string, number>> = { download: 3, like: 2, click: 1 };

export function gradeOf(types: Iterable<string>): number {
  let grade = 0;
  for (const type of types) {
    if (type === 'skip') return 0;
    grade = Math.max(grade, GRADES[type] ?? 0);
  }
  return grade;
}

/** Feedback that says the user looked at the photo and was drawn to it: what the swap estimator counts as a click. */
export function isAttracted(types: Iterable<string>): boolean {
  for (const type of types) if (GRADES[type] !== undefined) return true;
  return false;
}
