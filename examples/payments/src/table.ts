import { type ScenarioRow, TOTAL } from './steps.js';

/** The rows as an aligned text table; a rule sets the total row apart. */
export const formatTable = (rows: ScenarioRow[], requestsTitle = 'store requests'): string => {
  const withFaults = rows.some((row) => row.faults !== undefined);
  const header = ['step', ...(withFaults ? ['faults injected'] : []), 'caller got', 'handler ran', requestsTitle];
  const cells = rows.map((row) => [
    row.step,
    ...(withFaults ? [row.faults ?? ''] : []),
    row.callerGot,
    String(row.handlerRuns),
    String(row.requests),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((line) => (line[column] ?? '').length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, column) => value.padEnd(widths[column] ?? 0))
      .join(' │ ')
      .trimEnd();
  const rule = widths.map((width) => '─'.repeat(width)).join('─┼─');
  return [
    line(header),
    rule,
    ...cells.map((values, index) => (rows[index]?.step === TOTAL ? `${rule}\n${line(values)}` : line(values))),
  ].join('\n');
};

/** A titled section: a heading, a few lines of introduction, the table, and notes under it. */
export const formatSection = (section: {
  title: string;
  intro?: string[];
  rows: ScenarioRow[];
  requestsTitle: string;
  notes?: string[];
}): string =>
  [
    section.title,
    ...(section.intro ?? []),
    '',
    formatTable(section.rows, section.requestsTitle),
    ...(section.notes && section.notes.length > 0 ? ['', ...section.notes] : []),
    '',
  ].join('\n');
